using Ecosystem.Contracts.Leads;

namespace Ecosystem.Grains.Leads;

[GenerateSerializer, Alias("eco.UnroutableLeadsState")]
public sealed class UnroutableLeadsState
{
    [Id(0)] public Dictionary<string, DateTimeOffset> Leads { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The leads nobody could take, newest first. Leads add and remove themselves.</summary>
public sealed class UnroutableLeadsGrain(
    [PersistentState("unroutable", StorageNames.Default)] IPersistentState<UnroutableLeadsState> state)
    : Grain, IUnroutableLeadsGrain
{
    public async Task Add(string leadId, DateTimeOffset at)
    {
        if (state.State.Leads.TryAdd(leadId, at))
        {
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<Contracts.Push.IDashboardGrain>(Contracts.Push.IDashboardGrain.Key).Changed();
        }
    }

    public async Task Remove(string leadId)
    {
        if (state.State.Leads.Remove(leadId))
        {
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<Contracts.Push.IDashboardGrain>(Contracts.Push.IDashboardGrain.Key).Changed();
        }
    }

    public Task<IReadOnlyList<string>> List(int limit) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Leads.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).Take(limit).Select(l => l.Key)]);
}
