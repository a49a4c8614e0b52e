using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Leads;
using Ecosystem.Grains.Program;

namespace Ecosystem.Grains.Leads;

[GenerateSerializer, Alias("eco.RoutingIndexState")]
public sealed class RoutingIndexState
{
    [Id(0)] public Dictionary<string, PartnerRoutingProfile> Partners { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The routable partners of one region (the grain key, lower case). A lead is scored against the
/// region's partners in memory, here, without calling any partner grain. A partner joining, leaving or
/// changing its eligibility is saved at once; the figures that move with every offer (load, recency,
/// scores) are saved a few seconds after a change: partners re-send their entry whenever it changes,
/// which repairs what a crash could lose of those.
/// </summary>
public sealed class RoutingIndexGrain(
    [PersistentState("routing-index", StorageNames.Default)] IPersistentState<RoutingIndexState> state,
    ProgramCache programs)
    : Grain, IRoutingIndexGrain
{
    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(5);
    private IGrainTimer? _saveTimer;

    public async Task Upsert(PartnerRoutingProfile profile)
    {
        // The index's own bookings since the partner last spoke are reflected in what the partner sends now.
        if (!state.State.Partners.TryGetValue(profile.PartnerId, out var current) || !current.Equals(profile))
        {
            state.State.Partners[profile.PartnerId] = profile with
            {
                LastOfferedAt = Later(profile.LastOfferedAt, current?.LastOfferedAt),
            };
            if (current is null || !SameEligibility(current, profile))
            {
                // A partner sends its entry only when it changed, and nothing makes it send again after a crash:
                // who is in the index, and whether they may be offered leads, is saved before the partner hears "done".
                await SaveNowAsync();
            }
            else
            {
                ScheduleSave();
            }
        }
    }

    public async Task Remove(string partnerId)
    {
        if (state.State.Partners.Remove(partnerId))
        {
            await SaveNowAsync();
        }
    }

    /// <summary>The figures that decide whether a partner is eligible at all (not its load or scores, which change with every offer).</summary>
    private static bool SameEligibility(PartnerRoutingProfile a, PartnerRoutingProfile b) =>
        string.Equals(a.Region, b.Region, StringComparison.Ordinal)
        && a.Industries.SequenceEqual(b.Industries, StringComparer.Ordinal)
        && a.AcceptsLeads == b.AcceptsLeads
        && a.ProgramTermsSigned == b.ProgramTermsSigned
        && a.Churned == b.Churned
        && a.Capacity == b.Capacity;

    private async Task SaveNowAsync()
    {
        _saveTimer?.Dispose();
        _saveTimer = null;
        await state.WriteStateAsync();
    }

    public async Task<RoutingChoice?> Route(string? industry, IReadOnlyList<string> alreadyOffered, DateTimeOffset now)
    {
        var program = await programs.GetAsync();
        var timeout = TimeSpan.FromSeconds(program.Routing.OfferTimeoutSeconds);
        var region = this.GetPrimaryKeyString();
        var offered = alreadyOffered as IReadOnlyCollection<string> ?? [.. alreadyOffered];
        var candidates = new List<RoutingCandidate>();
        foreach (var profile in state.State.Partners.Values)
        {
            if (LeadRouting.IsEligible(profile, region, industry, offered).Eligible)
            {
                candidates.Add(new RoutingCandidate(profile, LeadRouting.Score(profile, program.Routing, timeout)));
            }
        }

        if (LeadRouting.Pick(candidates) is not { } best)
        {
            return null;
        }

        // Book the offer now, so the next lead sees this partner's load and recency at once.
        state.State.Partners[best.Profile.PartnerId] = best.Profile with { OpenLeads = best.Profile.OpenLeads + 1, LastOfferedAt = now };
        ScheduleSave();
        return new RoutingChoice(best.Profile.PartnerId, best.Score.Score, best.Score.Reasons, candidates.Count);
    }

    public Task Release(string partnerId)
    {
        if (state.State.Partners.TryGetValue(partnerId, out var profile) && profile.OpenLeads > 0)
        {
            state.State.Partners[partnerId] = profile with { OpenLeads = profile.OpenLeads - 1 };
            ScheduleSave();
        }

        return Task.CompletedTask;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private void ScheduleSave() =>
        _saveTimer ??= this.RegisterGrainTimer(async ct =>
        {
            try
            {
                await state.WriteStateAsync(ct);
            }
            finally
            {
                _saveTimer?.Dispose();
                _saveTimer = null;
            }
        }, SaveDelay, Timeout.InfiniteTimeSpan);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_saveTimer is not null)
        {
            await state.WriteStateAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }
}
