namespace Ecosystem.Chaos;

/// <summary>The outcome of one chaos run, printed as a table and written as JSON.</summary>
internal sealed record ChaosReport
{
    public required string Run { get; init; }
    public int Nodes { get; init; }
    public int KilledNode { get; init; }
    public double TrafficSeconds { get; init; }
    public double KilledAt { get; init; }
    public double RestartedAt { get; init; }
    public double RestartReadySeconds { get; init; }
    public int Deals { get; init; }
    public int Partners { get; init; }
    public int Leads { get; init; }

    public long EventsSent { get; init; }

    /// <summary>Distinct events answered accepted, or duplicate on a retry (their first attempt had committed them).</summary>
    public long EventsAccepted { get; init; }
    public long AnsweredAccepted { get; init; }
    public long AnsweredDuplicate { get; init; }
    public long DuplicateOnRetry { get; init; }
    public int Rejected { get; init; }
    public string? FirstRejection { get; init; }

    public long Requests { get; init; }
    public int Refused { get; init; }
    public int RefusedWhileDown { get; init; }
    public Dictionary<string, int> RefusedByCause { get; init; } = [];
    public long Unanswered { get; init; }

    /// <summary>From a batch's first send to its answer, retries on other nodes included.</summary>
    public double AnswerP50Ms { get; init; }
    public double AnswerP99Ms { get; init; }
    public double AnswerMaxMs { get; init; }

    /// <summary>The slowest answer to a batch first sent between the kill and the moment every grain was served again.</summary>
    public double AnswerMaxMsAroundKill { get; init; }

    /// <summary>From the kill until a sweep of GETs over every deal, partner and lead (through the surviving nodes) fully succeeded.</summary>
    public double? SecondsUntilServedAgain { get; init; }
    public int? FirstSweepFailures { get; init; }
    public int Sweeps { get; init; }

    public int Lost { get; init; }
    public int DoubleApplied { get; init; }
    public int LostFromLog { get; init; }
    public int MissingFromDealViews { get; init; }
    public int DoubleInDealViews { get; init; }
    public int PartnerEventsMissing { get; init; }
    public int PartnerEventsExtra { get; init; }
    public int LeadsMissing { get; init; }
    public int LeadsInconsistent { get; init; }
    public int LeadsOffered { get; init; }
    public int LeadsUnroutable { get; init; }
    public int PartnerLeadOffers { get; init; }
    public int LeadOffersInHistories { get; init; }
    public int UnexpectedInViews { get; init; }
    public int Unreadable { get; init; }
    public double? SettleSeconds { get; init; }

    public int Watchers { get; init; }
    public int WatchersOnKilledNode { get; init; }
    public int WatchersMoved { get; init; }
    public int WatchersRejoinedWithSnapshot { get; init; }
    public double SecondsToRejoinMax { get; init; }
    public int WatchersFinalPushReceived { get; init; }
    public int WatcherPushes { get; init; }

    public string[] Problems { get; init; } = [];
    public string LogDirectory { get; init; } = "";
    public string Machine { get; init; } = "";

    public bool Passed => Lost == 0 && DoubleApplied == 0 && LeadsInconsistent == 0 && PartnerLeadOffers == LeadOffersInHistories && Unreadable == 0;

    public void Print()
    {
        var refusedOther = Refused - RefusedWhileDown;
        Console.WriteLine();
        Console.WriteLine($"Chaos run {Run}: {Nodes} nodes on PostgreSQL, node {KilledNode} killed with SIGKILL at {KilledAt:0.0} s and back at {RestartedAt:0.0} s " +
                          $"({RestartReadySeconds:0.0} s from start to ready), {TrafficSeconds:0} s of traffic");
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Row("events accepted during the run", $"{EventsAccepted} of {EventsSent} sent ({DuplicateOnRetry} of them answered duplicate on a retry: the refused attempt had committed them)");
        Row("lost (accepted, then missing from the log or a view)", $"{Lost}");
        Row("double-applied", $"{DoubleApplied}");
        Row("requests refused while the node was down (retried on another node)", $"{RefusedWhileDown} of {Requests} requests ({refusedOther} more refused outside that window)");
        Row("refusals by node and cause", RefusedByCause.Count == 0 ? "none" : string.Join(", ", RefusedByCause.Select(kv => $"{kv.Key} × {kv.Value}")));
        Row("time to an answer, retries included: p50 / p99 / max ms", $"{AnswerP50Ms} / {AnswerP99Ms} / {AnswerMaxMs} (max {AnswerMaxMsAroundKill} for batches sent between the kill and every grain served again)");
        Row("seconds until every grain served again", SecondsUntilServedAgain is { } s ? $"{s:0.0} (first sweep after the kill: {FirstSweepFailures} of its GETs failed; {Sweeps} sweeps)" : "never within the run");
        Row("deals / partners / leads checked", $"{Deals} / {Partners} / {Leads}: lead offers {LeadsOffered}, unroutable {LeadsUnroutable}, inconsistent {LeadsInconsistent}; offers in lead histories {LeadOffersInHistories}, recorded by the partners offered them {PartnerLeadOffers}");
        Row("watchers (SignalR)", $"{Watchers}, {WatchersOnKilledNode} on the killed node: {WatchersMoved} moved to another node, {WatchersRejoinedWithSnapshot} rejoined their room with a fresh snapshot (at most {SecondsToRejoinMax:0.0} s after losing it); {WatchersFinalPushReceived} of {Watchers} got the final push");
        Row("settled (every accepted event in every view) after the traffic", SettleSeconds is { } settle ? $"{settle:0.0} s" : "not within the settle time");
        Row("rejected / unanswered", $"{Rejected} / {Unanswered}");
        Console.WriteLine();
        foreach (var p in Problems.Take(10))
        {
            Console.WriteLine("problem: " + p);
        }

        if (FirstRejection is not null)
        {
            Console.WriteLine("first rejection: " + FirstRejection);
        }

        Console.WriteLine(Passed ? "PASSED: nothing accepted was lost or applied twice." : "FAILED");
    }

    private static void Row(string measure, string value) => Console.WriteLine($"| {measure} | {value} |");
}
