using Orleans.Concurrency;
using Ecosystem.Domain.Program;

namespace Ecosystem.Contracts.Program;

/// <summary>The single partner program of this deployment (key <see cref="Key"/>).</summary>
public interface IProgramGrain : IGrainWithStringKey
{
    public const string Key = "program";

    [AlwaysInterleave]
    Task<ProgramSettings> Get();

    Task Set(ProgramSettings settings);
}
