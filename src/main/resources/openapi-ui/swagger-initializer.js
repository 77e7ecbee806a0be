// Points Swagger UI at the service's own OpenAPI document. Replaces the webjar's file of the same name, whose demo
// loads the Petstore document from the internet.
window.onload = function () {
    window.ui = SwaggerUIBundle({
        url: "/openapi",
        dom_id: "#swagger-ui",
        deepLinking: true,
        presets: [SwaggerUIBundle.presets.apis],
        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
        layout: "BaseLayout",
        // The default sends the document to validator.swagger.io for a badge: a request to the internet.
        validatorUrl: null
    });
};
