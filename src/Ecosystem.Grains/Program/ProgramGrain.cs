using Ecosystem.Contracts.Program;
using Ecosystem.Domain.Program;

namespace Ecosystem.Grains.Program;

[GenerateSerializer, Alias("eco.ProgramState")]
public sealed class ProgramState
{
    [Id(0)] public ProgramSettings? Settings { get; set; }
}

public sealed class ProgramGrain(
    [PersistentState("program", StorageNames.Default)] IPersistentState<ProgramState> state)
    : Grain, IProgramGrain
{
    public Task<ProgramSettings> Get() => Task.FromResult(state.State.Settings ?? ProgramSettings.Default);

    public async Task Set(ProgramSettings settings)
    {
        state.State.Settings = settings;
        await state.WriteStateAsync();
    }
}
