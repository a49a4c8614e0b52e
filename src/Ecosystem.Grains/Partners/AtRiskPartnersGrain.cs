using Ecosystem.Contracts.Partners;

namespace Ecosystem.Grains.Partners;

[GenerateSerializer, Alias("eco.AtRiskPartnersState")]
public sealed class AtRiskPartnersState
{
    [Id(0)] public HashSet<string> Partners { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Which partners are at risk now. Partners set and clear their own flag as their health moves.</summary>
public sealed class AtRiskPartnersGrain(
    [PersistentState("at-risk", StorageNames.Default)] IPersistentState<AtRiskPartnersState> state)
    : Grain, IAtRiskPartnersGrain
{
    public async Task Set(string partnerId, bool atRisk)
    {
        var changed = atRisk ? state.State.Partners.Add(partnerId) : state.State.Partners.Remove(partnerId);
        if (changed)
        {
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<Contracts.Push.IDashboardGrain>(Contracts.Push.IDashboardGrain.Key).Changed();
        }
    }

    public Task<IReadOnlyList<string>> List() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Partners.Order(StringComparer.Ordinal)]);
}
