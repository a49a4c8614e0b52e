using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using Ecosystem.Grains;
using Ecosystem.EventLog;
using Ecosystem.Host.Api;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Hubs;
using Ecosystem.Host.Intake;
using Ecosystem.Host.Storage;
using Ecosystem.Host.Web;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Serilog;
using Serilog.Formatting.Compact;

namespace Ecosystem.Host.Hosting;

/// <summary>The wiring of one engine node: options, logging, storage, the co-hosted silo, auth and HTTP.</summary>
public static class EcosystemHostingExtensions
{
    public static WebApplicationBuilder AddEcosystem(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(EcosystemOptions.Section);
        var options = section.Get<EcosystemOptions>() ?? new EcosystemOptions();
        var adminKeyFile = AdminKeyFile.EnsureKey(options);
        builder.Services.AddOptions<EcosystemOptions>().BindConfiguration(EcosystemOptions.Section)
            .PostConfigure(o => o.AdminApiKey = options.AdminApiKey)
            .ValidateDataAnnotations().ValidateOnStart();
        var database = EcosystemDatabase.From(options, builder.Configuration.GetConnectionString("Ecosystem"));

        builder.AddEcosystemLogging(options);
        if (adminKeyFile is not null)
        {
            builder.Services.AddHostedService(sp => new AdminKeyNotice(adminKeyFile, sp.GetRequiredService<ILogger<AdminKeyNotice>>()));
        }
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Domain.Events.EventLimits.MaxRequestBytes);

        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddKeyedSingleton(Grains.EngineTime.Key, TimeProvider.System);
        builder.Services.AddSingleton<Grains.Push.Pushes>();
        builder.Services.AddSingleton<Grains.Program.ProgramCache>();
        builder.Services.AddSingleton<Grains.Projections.CheckpointScheduler>();
        builder.Services.AddSingleton<Grains.GrainLookup>();
        builder.Services.AddSingleton<Hubs.DealRooms>();
        builder.Services.AddSingleton<Hubs.HubPushObserver>();
        builder.Services.AddHostedService<Hubs.PushNodeService>();
        builder.Services.AddSingleton<Hubs.HubConnections>();
        builder.Services.AddHostedService<Hubs.KeyRevocationWatcher>();
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = options.Limits.HubMaxMessageBytes)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        builder.Services.AddEcosystemEventLog(database.EventLog);
        builder.Services.AddSingleton<IEventDispatcher, Grains.Dispatch.EventDispatcher>();
        builder.Services.AddSingleton<EventPermissions>();
        builder.Services.AddSingleton<Auth.Visibility>();
        builder.Services.AddSingleton<EventIntake>();

        builder.UseOrleans(silo => silo.ConfigureSilo(options, database));

        builder.Services.AddEcosystemAuth();
        builder.Services.AddKeyRateLimiting();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<TransientFaultHandler>();
        // A body over the size limit or cut short surfaces as BadHttpRequestException wherever it is read:
        // answer with its status (413, 400), never a 500.
        builder.Services.AddExceptionHandler(o => o.StatusCodeSelector = ex =>
            ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        return builder;
    }

    private static void AddEcosystemLogging(this WebApplicationBuilder builder, EcosystemOptions options)
    {
        builder.Services.AddSerilog((services, log) =>
        {
            log.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.With(new SecretRedaction(options.AdminApiKey))
                // A HubException is the hub's answer to a client ("not your deal"), which the client receives; SignalR
                // logs each one as an error, which would let any client fill the log with errors. Real faults still show.
                .Filter.ByExcluding(e => e.Exception is Microsoft.AspNetCore.SignalR.HubException
                    && e.Properties.TryGetValue("SourceContext", out var source)
                    && source is Serilog.Events.ScalarValue { Value: "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher" });
            if (options.JsonLogs)
            {
                log.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                log.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
    }

    private static void ConfigureSilo(this ISiloBuilder silo, EcosystemOptions options, EcosystemDatabase database)
    {
        var cluster = options.Cluster;
        if (database.IsPostgres)
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = database.OrleansInvariant;
                o.ConnectionString = database.OrleansConnectionString;
            });
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = cluster.SiloPort;
                o.GatewayPort = cluster.GatewayPort;
                o.AdvertisedIPAddress = cluster.AdvertisedIp is { } ip ? IPAddress.Parse(ip) : FirstNonLoopbackAddress();
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.GatewayPort);
            });
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
        {
            o.Invariant = database.OrleansInvariant;
            o.ConnectionString = database.OrleansConnectionString;
        });
        BraceSafeGrainStorage.Decorate(silo.Services, StorageNames.Default);
        // Snapshots in Orleans' own version-tolerant binary format ([Id]/[Alias]), not the default
        // Newtonsoft JSON with CLR type names that a class rename would break.
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Default)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        // Offer deadlines can be seconds away; reminders are their backstop after a restart, so they may tick that often.
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(10));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = database.OrleansInvariant;
            o.ConnectionString = database.OrleansConnectionString;
        });
    }

    private static IPAddress FirstNonLoopbackAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;

    /// <summary>Creates or upgrades the schema before the silo starts, since Orleans reads its queries at start-up.</summary>
    public static async Task ApplyEcosystemSchemaAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<EcosystemDatabase>();
        await SchemaMigrator.ApplyAsync(database, app.Logger, app.Lifetime.ApplicationStopping);
    }

    public static WebApplication MapEcosystem(this WebApplication app)
    {
        app.UseSerilogRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebPages(); // wwwroot: the browser pages, no key needed (the API they call still needs one)
        app.UseExactRouteIds();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseHubConnectionCap();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapEventsApi();
        app.MapKeysApi();
        app.MapPartnersApi();
        app.MapProgramApi();
        app.MapDealsApi();
        app.MapAdminApi();
        app.MapIntegrationsApi();
        app.MapMarketplaceApi();
        app.MapMetricsApi();
        app.MapMeApi();
        app.MapRegistrationsApi();
        app.MapLogApi();
        app.MapHub<Hubs.EcosystemHub>(Hubs.EcosystemHub.Path);
        return app;
    }
}

/// <summary>Ready when a grain answers (the silo is up and its storage readable) and the event log's database answers.</summary>
public sealed class ReadinessCheck(IGrainFactory grains, IEventLog log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<Contracts.Program.IProgramGrain>(Contracts.Program.IProgramGrain.Key).Get().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return await log.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The event log's database did not answer.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Not ready.", ex);
        }
    }
}
