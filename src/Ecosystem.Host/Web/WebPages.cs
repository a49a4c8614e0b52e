namespace Ecosystem.Host.Web;

/// <summary>
/// The browser pages in <c>wwwroot</c> (deal room, partner portal, channel dashboard): plain files, served without a key;
/// every call they make to <c>/api</c> and the hub still needs one.
/// </summary>
public static class WebPages
{
    // The pages hold an API key in sessionStorage: only this origin's own scripts may run, and no other site may frame them.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static IApplicationBuilder UseWebPages(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        return app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Revalidate every time (the ETag makes that cheap), so a changed page shows at the next load.
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers["Referrer-Policy"] = "no-referrer";
                }
            },
        });
    }
}
