using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Leads;

/// <summary>
/// One test's world for lead routing: a region of its own (so its leads only ever see its own partners,
/// whatever other tests of the shared cluster left behind), partners set up through their grains and
/// the real log, and leads driven exactly as the intake drives them: append to the log, then
/// <c>Apply</c>; answers through <see cref="ILeadGrain.Answer"/>, then the logged answer to the partner.
/// </summary>
internal sealed class LeadScenario(GrainClusterFixture fixture)
{
    /// <summary>How long a test waits for something the engine clock set in motion (a timer's grain call).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// So large that one open lead moves the load component by 10 × 1/100,000 points, below the score's
    /// resolution of 0.01: partners with the same figures keep exactly equal scores while holding offers.
    /// </summary>
    public const int RoomyCapacity = 100_000;

    public string Region { get; } = NewId("region");

    /// <summary>A prefix of this test's ids, for partner ids whose ordinal order the test chooses ("…-a" &lt; "…-b").</summary>
    public string Prefix { get; } = NewId("p");

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    public ILeadGrain Lead(string leadId) => fixture.Client.GetGrain<ILeadGrain>(leadId);

    public IPartnerGrain Partner(string partnerId) => fixture.Client.GetGrain<IPartnerGrain>(partnerId);

    /// <summary>
    /// A partner of this region. By default it is routable: it accepts leads and has signed the program
    /// terms. Each certification lifts its health score (0 → 60 → 80 → 100 on that component), and so
    /// its routing score: a simple way to rank partners that are otherwise alike.
    /// </summary>
    public async Task<string> PartnerAsync(
        string partnerId,
        int certifications = 0,
        int capacity = RoomyCapacity,
        bool acceptsLeads = true,
        bool programTermsSigned = true,
        IReadOnlyList<string>? industries = null)
    {
        var partner = Partner(partnerId);
        await partner.PutProfile(new PartnerProfile
        {
            Name = "Partner " + partnerId,
            PartnerType = "solutions",
            Region = Region,
            Industries = industries ?? [],
            AcceptsLeads = acceptsLeads,
            Capacity = capacity,
            PayoutCurrency = "USD",
        });

        var events = new List<PendingEvent>();
        // An NDA for everyone, so that signing the program terms (or not) is the only difference in activity.
        events.Add(AgreementSigned(partnerId, "nda", Now));
        if (programTermsSigned)
        {
            events.Add(AgreementSigned(partnerId, "program_terms", Now));
        }

        for (var i = 0; i < certifications; i++)
        {
            events.Add(Make(new JsonObject
            {
                ["type"] = EventTypes.CertificationEarned,
                ["occurredAt"] = Time(Now),
                ["partnerId"] = partnerId,
                ["certification"] = $"cert-{i}",
            }));
        }

        await partner.Apply(await fixture.Log.WriteAsync(events.ToArray()));
        return partnerId;
    }

    /// <summary><c>lead.submitted</c> in this region, logged and delivered; returns the view after routing.</summary>
    public async Task<LeadView> SubmitAsync(string leadId, string? industry = null)
    {
        var json = new JsonObject
        {
            ["type"] = EventTypes.LeadSubmitted,
            ["occurredAt"] = Time(Now),
            ["leadId"] = leadId,
            ["accountId"] = leadId + ".example",
            ["region"] = Region,
            ["source"] = "marketing",
        };
        if (industry is not null)
        {
            json["industry"] = industry;
        }

        var logged = await fixture.Log.WriteAsync(Make(json));
        await Lead(leadId).Apply([logged]);
        return await ViewAsync(leadId);
    }

    /// <summary>
    /// <c>lead.accepted</c> or <c>lead.declined</c> as the intake handles it: the lead checks and logs it,
    /// then the logged answer goes to the partner's stream as well.
    /// </summary>
    public async Task<CommandResult> AnswerAsync(string type, string leadId, string partnerId)
    {
        var e = LeadAnswered(type, leadId, partnerId, Now);
        var answer = await Lead(leadId).Decide(e.Event, new EventActor("key-" + partnerId, "partner", partnerId));
        if (answer.Logged is { } logged)
        {
            await Partner(partnerId).Apply([logged]);
        }

        return answer;
    }

    public async Task<LeadView> DeclineAsync(string leadId, string partnerId)
    {
        var answer = await AnswerAsync(EventTypes.LeadDeclined, leadId, partnerId);
        Assert.True(answer.Error is null && answer.Logged is not null, $"the decline by {partnerId} was refused: {answer.Error}");
        return await ViewAsync(leadId);
    }

    public async Task<LeadView> ViewAsync(string leadId) =>
        await Lead(leadId).GetView() ?? throw new InvalidOperationException($"lead {leadId} has no view");

    /// <summary>Polls the view (an always-interleaved read) until <paramref name="condition"/> holds, up to <see cref="Deadline"/>.</summary>
    public async Task<LeadView> WaitForAsync(string leadId, Func<LeadView, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var view = await ViewAsync(leadId);
        while (!condition(view))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"lead {leadId}: {what} did not happen within {Deadline.TotalSeconds} s. Last view: {Describe(view)}");
            }

            await Task.Delay(20);
            view = await ViewAsync(leadId);
        }

        return view;
    }

    /// <summary>The history as (partner, outcome) pairs, the shape most assertions compare.</summary>
    public static (string PartnerId, string Outcome)[] Steps(LeadView view) => [.. view.History.Select(h => (h.PartnerId, h.Outcome))];

    public static string Describe(LeadView view) =>
        $"{view.Status} offeredTo={view.OfferedTo} history=[{string.Join("; ", view.History.Select(h => $"{h.Outcome} {h.PartnerId} {h.Score}"))}]";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Like <see cref="TestEvents"/>: written as JSON and read back with the intake's own parser.</summary>
    private static PendingEvent Make(JsonObject json)
    {
        json["id"] = NewId("evt");
        var raw = json.ToJsonString();
        using var doc = JsonDocument.Parse(raw);
        var parsed = EventParser.Parse(doc.RootElement, now: null);
        return new PendingEvent(parsed.Event ?? throw new InvalidOperationException($"Test event does not parse: {parsed.Error}"), TestEvents.Admin);
    }
}
