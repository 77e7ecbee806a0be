package dev.books.auth;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.books.http.ErrorHandling;
import dev.books.http.Problem;
import io.helidon.config.Config;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Lets only holders of a bearer token change the catalogue: a static token from the tokens file, or a JWT access
 * token that carries the write scope.
 *
 * <p>Every request whose method is not GET, HEAD or OPTIONS needs a token, on any path; with
 * {@code books.auth.protect-reads} the reads of {@code /books} need one too, any valid one (health, metrics and the
 * OpenAPI document stay open for probes and scrapers). A refused request is answered before it reaches the books service,
 * so it changes nothing: 401 with {@code WWW-Authenticate: Bearer} (and {@code error="invalid_token"} when a token
 * was sent but is not valid, RFC 6750 section 3.1), 400 {@code error="invalid_request"} for bearer credentials that
 * cannot be a token (none after the scheme, two tokens, several headers), or 403 {@code error="insufficient_scope"}
 * for a valid JWT without the write scope. An accepted request carries its {@link Caller} (whose idempotency keys
 * it uses). Refusals are counted in {@code books.auth.rejected} by reason. No token is ever logged,
 * counted or echoed.
 *
 * <p>With no credentials configured every request passes and one WARNING at start says that writes are open.
 */
public final class WriteProtection implements Filter {
    private static final System.Logger LOGGER = System.getLogger(WriteProtection.class.getName());
    private static final HeaderName WWW_AUTHENTICATE = HeaderNames.WWW_AUTHENTICATE;
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String REALM = "Bearer realm=\"books\"";

    private final AuthSettings settings;
    private final Optional<TokenFile> tokens;
    private final Optional<JwtVerifier> jwt;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);

    /** Why a request was refused: the {@code reason} tag of {@code books.auth.rejected}. */
    enum Reason {
        /** No bearer token was sent. */
        MISSING_TOKEN,
        /** Bearer credentials that cannot be a token. */
        INVALID_REQUEST,
        /** A token was sent, but it is unknown, malformed, expired, or not for this service. */
        INVALID_TOKEN,
        /** A valid JWT without the write scope. */
        INSUFFICIENT_SCOPE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private WriteProtection(
            AuthSettings settings, Optional<TokenFile> tokens, Optional<JwtVerifier> jwt, MeterRegistry registry) {
        this.settings = settings;
        this.tokens = tokens;
        this.jwt = jwt;
        for (Reason reason : Reason.values()) {
            rejected.put(
                    reason,
                    registry.getOrCreate(Counter.builder("books.auth.rejected")
                            .description("Requests refused by the write protection, by reason")
                            .tags(List.of(Tag.create("reason", reason.tag())))));
        }
    }

    /**
     * Creates the filter from the {@code books.auth} configuration, reads the tokens file and the key set, and logs
     * what is protected (or one WARNING that nothing is).
     *
     * @param auth     the {@code books.auth} configuration node
     * @param registry where the rejection counter lives
     * @return the filter
     * @throws IllegalStateException naming the setting when the configuration is unusable (e.g. an unreadable
     *                               tokens file)
     */
    public static WriteProtection create(Config auth, MeterRegistry registry) {
        AuthSettings settings = AuthSettings.create(auth);
        Optional<TokenFile> tokens = settings.tokensFile().map(file -> TokenFile.load(Path.of(file)));
        Optional<JwtVerifier> jwt = settings.jwt()
                .map(jwtSettings ->
                        new JwtVerifier(jwtSettings, IssuerKeys.create(jwtSettings), IssuerKeys.describe(jwtSettings)));
        WriteProtection protection = new WriteProtection(settings, tokens, jwt, registry);
        protection.logSummary();
        return protection;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!settings.enabled() || !needsToken(req)) {
            chain.proceed();
            return;
        }
        Checked checked = check(BearerToken.from(req.headers().all(HeaderNames.AUTHORIZATION, List::of)));
        Reason refusal = checked.refusal();
        if (refusal == null || (refusal == Reason.INSUFFICIENT_SCOPE && isSafe(req))) {
            // A protected read needs a valid token, not the write scope.
            if (checked.caller() != null) {
                req.context().register(checked.caller());
            }
            chain.proceed();
            return;
        }
        rejected.get(refusal).increment();
        LOGGER.log(
                Level.DEBUG,
                () -> "Refused " + req.prologue().method().text() + " "
                        + req.path().absolute().rawPath() + ": " + refusal.tag());
        switch (refusal) {
            case MISSING_TOKEN -> res.header(WWW_AUTHENTICATE, REALM);
            case INVALID_REQUEST -> res.header(WWW_AUTHENTICATE, REALM + ", error=\"invalid_request\"");
            case INVALID_TOKEN -> res.header(WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\"");
            case INSUFFICIENT_SCOPE ->
                res.header(
                        WWW_AUTHENTICATE,
                        REALM + ", error=\"insufficient_scope\", scope=\""
                                + settings.jwt().orElseThrow().writeScope() + "\"");
        }
        ErrorHandling.send(req, res, problem(refusal));
    }

    private static boolean isSafe(RoutingRequest req) {
        return SAFE_METHODS.contains(req.prologue().method().text());
    }

    private boolean needsToken(RoutingRequest req) {
        if (!isSafe(req)) {
            return true;
        }
        if (!settings.protectReads()) {
            return false;
        }
        String path = req.path().path();
        return path.equals("/books") || path.startsWith("/books/");
    }

    /**
     * What a check found.
     *
     * @param refusal {@code null} when the token grants writes, else why not
     * @param caller  who presented the token, when it is valid
     */
    private record Checked(Reason refusal, Caller caller) {}

    private Checked check(BearerToken.Presented presented) {
        return switch (presented) {
            case BearerToken.Absent absent -> new Checked(Reason.MISSING_TOKEN, null);
            case BearerToken.Malformed malformed -> new Checked(Reason.INVALID_REQUEST, null);
            case BearerToken.Token token -> check(token.value());
        };
    }

    private Checked check(String token) {
        if (tokens.isPresent() && tokens.get().matches(token)) {
            return new Checked(null, Caller.ofToken(token));
        }
        if (jwt.isEmpty()) {
            return new Checked(Reason.INVALID_TOKEN, null);
        }
        return switch (jwt.get().verify(token)) {
            case JwtVerifier.Valid valid ->
                new Checked(
                        valid.grants(settings.jwt().orElseThrow().writeScope()) ? null : Reason.INSUFFICIENT_SCOPE,
                        Caller.ofJwt(valid.principal()));
            case JwtVerifier.Invalid invalid -> new Checked(Reason.INVALID_TOKEN, null);
        };
    }

    private Problem problem(Reason reason) {
        return switch (reason) {
            case MISSING_TOKEN ->
                Problem.of(
                        "unauthorized",
                        Status.UNAUTHORIZED_401,
                        "Unauthorized",
                        "This request needs a bearer token (Authorization: Bearer <token>).");
            case INVALID_REQUEST ->
                Problem.of(
                        "invalid-request",
                        Status.BAD_REQUEST_400,
                        "Bad request",
                        "The Authorization header must be one 'Bearer <token>' with a single token.");
            case INVALID_TOKEN ->
                Problem.of(
                        "invalid-token",
                        Status.UNAUTHORIZED_401,
                        "Unauthorized",
                        "The bearer token is not valid: unknown, malformed, expired, or not issued for this service.");
            case INSUFFICIENT_SCOPE ->
                Problem.of(
                        "insufficient-scope",
                        Status.FORBIDDEN_403,
                        "Forbidden",
                        "The token does not grant the scope "
                                + settings.jwt().orElseThrow().writeScope() + ".");
        };
    }

    private void logSummary() {
        if (!settings.enabled()) {
            LOGGER.log(
                    Level.WARNING,
                    "Writes are NOT protected: anyone who can reach this service may create, change and delete "
                            + "books. Set books.auth.tokens-file (BOOKS_AUTH_TOKENS_FILE) and/or books.auth.jwt.jwks "
                            + "(BOOKS_AUTH_JWT_JWKS); see README.md, \"Protecting writes\".");
            return;
        }
        StringBuilder summary = new StringBuilder(
                settings.protectReads() ? "Reads and writes need a bearer token: " : "Writes need a bearer token: ");
        tokens.ifPresent(file ->
                summary.append(file.size()).append(" static token(s) from ").append(file.path()));
        settings.jwt()
                .ifPresent(jwtSettings -> summary.append(tokens.isPresent() ? "; " : "")
                        .append("JWTs from issuer ")
                        .append(jwtSettings.issuer())
                        .append(" for audience ")
                        .append(jwtSettings.audience())
                        .append(" with scope ")
                        .append(jwtSettings.writeScope())
                        .append(", keys from ")
                        .append(jwt.orElseThrow().keySource()));
        LOGGER.log(Level.INFO, summary.toString());
        tokens.filter(file -> file.size() == 0)
                .ifPresent(file -> LOGGER.log(
                        Level.WARNING,
                        "The tokens file " + file.path() + " holds no valid token: no static token is accepted"));
    }
}
