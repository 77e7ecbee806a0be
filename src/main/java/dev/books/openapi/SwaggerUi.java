package dev.books.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import io.helidon.common.Size;
import io.helidon.webserver.staticcontent.MemoryCache;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * Swagger UI for {@code /openapi} at {@code /openapi/ui/}, from the class path only (no CDN, works offline). The
 * service's own {@code openapi-ui/} (index.html, and the initializer that points the UI at {@code /openapi}) shadows
 * the webjar's files of the same name (its demo page loads the Petstore document from the internet).
 */
public final class SwaggerUi {
    public static final String PATH = "/openapi/ui";

    private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private SwaggerUi() {}

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
