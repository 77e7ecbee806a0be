package dev.books.auth;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.books.http.ErrorHandling;
import dev.books.http.ProblemType;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
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
 * <p>Every request other than GET, HEAD or OPTIONS needs a token, on any path; with {@code books.auth.protect-reads}
 * reads of {@code /books} need one too, any valid one (health, metrics and the OpenAPI document stay open). A refused
 * request is answered before it reaches the books service, so it changes nothing, with the RFC 6750 answers (3.1):
 * 401 {@code WWW-Authenticate: Bearer}, with {@code error="invalid_token"} for a token that is not valid; 400
 * {@code invalid_request} for credentials that cannot be a token; 403 {@code insufficient_scope} for a valid JWT
 * without the write scope. Refusals are counted in {@code books.auth.rejected} by reason. No token is ever logged,
 * counted or echoed. An accepted request carries its {@link Caller}.
 */
public final class WriteProtection implements Filter {
    private static final System.Logger LOGGER = System.getLogger(WriteProtection.class.getName());
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String REALM = "Bearer realm=\"books\"";

    private final AuthSettings settings;
    private final Optional<TokenFile> tokens;
    private final Optional<JwtVerifier> jwt;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);

    /** Why a request was refused: the {@code reason} tag of {@code books.auth.rejected}, and the RFC 6750 error. */
    enum Reason {
        MISSING_TOKEN,
        INVALID_REQUEST,
        INVALID_TOKEN,
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

    /** Reads the tokens file and the key set; an unusable setting is an {@link IllegalStateException} naming it. */
    public static WriteProtection create(Config auth, MeterRegistry registry) {
        AuthSettings settings = AuthSettings.create(auth);
        Optional<TokenFile> tokens = settings.tokensFile().map(file -> TokenFile.load(Path.of(file)));
        Optional<JwtVerifier> jwt =
                settings.jwt().map(jwtSettings -> new JwtVerifier(jwtSettings, IssuerKeys.create(jwtSettings)));
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
        // A protected read needs a valid token, not the write scope.
        if (refusal == null || (refusal == Reason.INSUFFICIENT_SCOPE && isSafe(req))) {
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
        String scope = settings.jwt().map(AuthSettings.JwtSettings::writeScope).orElse("");
        res.header(
                HeaderNames.WWW_AUTHENTICATE,
                switch (refusal) {
                    case MISSING_TOKEN -> REALM;
                    case INVALID_REQUEST, INVALID_TOKEN -> REALM + ", error=\"" + refusal.tag() + "\"";
                    case INSUFFICIENT_SCOPE -> REALM + ", error=\"insufficient_scope\", scope=\"" + scope + "\"";
                });
        ErrorHandling.send(
                req,
                res,
                switch (refusal) {
                    case MISSING_TOKEN ->
                        ProblemType.UNAUTHORIZED.with(
                                "This request needs a bearer token (Authorization: Bearer <token>).");
                    case INVALID_REQUEST ->
                        ProblemType.INVALID_REQUEST.with(
                                "The Authorization header must be one 'Bearer <token>' with a single token.");
                    case INVALID_TOKEN ->
                        ProblemType.INVALID_TOKEN.with(
                                "The bearer token is not valid: unknown, malformed, expired, or not issued for this "
                                        + "service.");
                    case INSUFFICIENT_SCOPE ->
                        ProblemType.INSUFFICIENT_SCOPE.with("The token does not grant the scope " + scope + ".");
                });
    }

    private static boolean isSafe(RoutingRequest req) {
        return SAFE_METHODS.contains(req.prologue().method().text());
    }

    private boolean needsToken(RoutingRequest req) {
        if (!isSafe(req)) {
            return true;
        }
        String path = req.path().path();
        return settings.protectReads() && (path.equals("/books") || path.startsWith("/books/"));
    }

    /** {@code refusal} is {@code null} when the token grants writes; {@code caller} is set for a valid token. */
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
            return new Checked(null, Caller.of("token", token));
        }
        if (jwt.isEmpty()) {
            return new Checked(Reason.INVALID_TOKEN, null);
        }
        return switch (jwt.get().verify(token)) {
            case JwtVerifier.Valid valid ->
                new Checked(
                        valid.grants(settings.jwt().orElseThrow().writeScope()) ? null : Reason.INSUFFICIENT_SCOPE,
                        Caller.of("jwt", valid.principal()));
            case JwtVerifier.Invalid invalid -> new Checked(Reason.INVALID_TOKEN, null);
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
        List<String> sources = new ArrayList<>();
        tokens.ifPresent(file -> sources.add(file.size() + " static token(s) from " + file.path()));
        settings.jwt()
                .ifPresent(jwtSettings -> sources.add("JWTs from issuer " + jwtSettings.issuer() + " for audience "
                        + jwtSettings.audience() + " with scope " + jwtSettings.writeScope() + ", keys from "
                        + IssuerKeys.describe(jwtSettings)));
        LOGGER.log(
                Level.INFO,
                (settings.protectReads() ? "Reads and writes" : "Writes") + " need a bearer token: "
                        + String.join("; ", sources));
        tokens.filter(file -> file.size() == 0)
                .ifPresent(file -> LOGGER.log(
                        Level.WARNING,
                        "The tokens file " + file.path() + " holds no valid token: no static token is accepted"));
    }
}
