namespace Ecosystem.Grains.Projections;

/// <summary>
/// Remembers which events of one stream a grain has folded in, so a redelivered event has no second effect.
/// Every event at or below <see cref="Watermark"/> is applied; above it, <see cref="AppliedAbove"/> lists
/// the applied ones. Events can reach a grain out of log order (two nodes committing moments apart), so a
/// single "last seq" would drop the late one; the set stays small because each checkpoint re-reads the
/// log past the watermark and then folds the set into a new watermark.
/// </summary>
[GenerateSerializer, Alias("eco.StreamCursor")]
public sealed class StreamCursor
{
    [Id(0)] public long Watermark { get; set; }
    /// <summary>Null while empty, as it is after every checkpoint: an idle grain keeps no set.</summary>
    [Id(1)] public HashSet<long>? AppliedAbove { get; set; }

    /// <summary>True the first time a sequence number is seen.</summary>
    public bool TryMark(long seq) => seq > Watermark && (AppliedAbove ??= []).Add(seq);

    /// <summary>After reading the log up to <paramref name="highestInLog"/>, everything up to it is applied.</summary>
    public void Advance(long highestInLog)
    {
        if (highestInLog > Watermark)
        {
            Watermark = highestInLog;
        }

        AppliedAbove?.RemoveWhere(s => s <= Watermark);
        if (AppliedAbove is { Count: 0 })
        {
            AppliedAbove = null;
        }
    }
}

/// <summary>What a projection grain persists: its state and how far into its stream that state goes.</summary>
[GenerateSerializer, Alias("eco.ProjectionSnapshot`1")]
public sealed class ProjectionSnapshot<TState> where TState : new()
{
    [Id(0)] public StreamCursor Cursor { get; set; } = new();
    [Id(1)] public TState State { get; set; } = new();
}
