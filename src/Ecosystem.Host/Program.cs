using Ecosystem.Host.Hosting;

// Configuration files sit beside the binary; the working directory is where ./data goes.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddEcosystem();

var app = builder.Build();
await app.ApplyEcosystemSchemaAsync();
app.MapEcosystem();
await app.RunAsync();

/// <summary>The entry point, public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
