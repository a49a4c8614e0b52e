namespace Ecosystem.Grains;

/// <summary>
/// The engine's clock is a keyed <see cref="TimeProvider"/>, so tests can move it (FakeTimeProvider)
/// without also moving the clock Orleans' own membership and timers run on.
/// </summary>
public static class EngineTime
{
    public const string Key = "ecosystem";
}
