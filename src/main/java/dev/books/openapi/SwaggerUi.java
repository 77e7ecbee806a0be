package dev.books.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import io.helidon.common.Size;
import io.helidon.webserver.staticcontent.MemoryCache;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * Swagger UI for the OpenAPI document at {@code /openapi}, served at {@code /openapi/ui/} from the class path
 * only (no CDN, works offline).
 *
 * <p>Two class path locations share the context: this service's own {@code openapi-ui/} (index.html and the
 * initializer that points the UI at {@code /openapi}) comes first and shadows the files of the same name in the
 * webjar (its demo page loads the Petstore document from the internet); everything else (scripts, styles, icons)
 * comes from the org.webjars:swagger-ui jar.
 */
public final class SwaggerUi {
    /** Where the UI is served. */
    public static final String PATH = "/openapi/ui";

    private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private SwaggerUi() {}

    /**
     * The server feature that serves the UI.
     *
     * @return feature for {@code WebServerConfig.Builder.addFeature}
     */
    public static StaticContentFeature feature() {
        return StaticContentFeature.builder()
                .name("swagger-ui")
                // The UI's files (about 2.5 MB) are kept in memory after their first request: nothing is written
                // to a temporary directory (the container's root file system is read-only).
                .memoryCache(MemoryCache.create(cache -> cache.capacity(Size.parse("8 MB"))))
                .addClasspath(own -> own.location("openapi-ui").context(PATH).welcome("index.html"))
                .addClasspath(webjar -> webjar.location("META-INF/resources/webjars/swagger-ui/" + webjarVersion())
                        .context(PATH))
                .build();
    }

    /** The webjar's version, read from its own pom.properties so a dependency upgrade needs no code change. */
    static String webjarVersion() {
        try (InputStream in = SwaggerUi.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
            if (in == null) {
                throw new IllegalStateException(
                        WEBJAR_POM + " is missing: is org.webjars:swagger-ui on the class path?");
            }
            Properties pom = new Properties();
            pom.load(in);
            return pom.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
