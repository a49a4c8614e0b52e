using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;

namespace Ecosystem.Domain.Tests.Integrations;

public class CertificationTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IntegrationSettings Settings = IntegrationSettings.Default;
    private static readonly TimeSpan Window = Settings.ErrorWindow();

    private static ValidationRun Run(string suite, int passed, int failed, decimal p95, DateTimeOffset at, params SecurityFinding[] findings) =>
        new(suite, passed, failed, p95, findings, at);

    /// <summary>Both required suites green, p95 300 ms, as of <see cref="T0"/>.</summary>
    private static IntegrationEvidence Passing() => IntegrationEvidence.Empty
        .WithValidation(Run("functional", 40, 0, 300, T0))
        .WithValidation(Run("security", 12, 0, 120, T0, new SecurityFinding("low", "verbose server header")));

    private static CertificationDecision Evaluate(IntegrationEvidence evidence, string status, DateTimeOffset now) =>
        Certification.Evaluate(evidence, status, Settings, now);

    // ---- draft → certified -------------------------------------------------------------------------

    [Fact]
    public void A_draft_is_certified_on_passing_evidence_with_every_criterion_as_a_reason()
    {
        var decision = Evaluate(Passing(), CertificationStatuses.Draft, T0);

        Assert.Equal(CertificationStatuses.Draft, decision.From);
        Assert.Equal(CertificationStatuses.Certified, decision.Status);
        Assert.True(decision.Changed);
        Assert.Equal(T0, decision.At);
        Assert.Equal(
            [
                "suite functional: latest run passed 40 of 40",
                "suite security: latest run passed 12 of 12",
                "p95 latency 300 ms (suite functional) within the 1000 ms limit",
                "no open high-severity security finding",
                "no calls reported in the last 24 h",
            ],
            decision.Reasons);
        Assert.Equal(["suite.functional", "suite.security", "latency", "security", "errorRate"], decision.Checks.Select(c => c.Name));
    }

    [Fact]
    public void A_draft_with_no_evidence_stays_draft_and_says_what_is_missing()
    {
        var decision = Evaluate(IntegrationEvidence.Empty, CertificationStatuses.Draft, T0);

        Assert.Equal(CertificationStatuses.Draft, decision.Status);
        Assert.False(decision.Changed);
        Assert.Equal(
            [
                "suite functional: no run reported",
                "suite security: no run reported",
                "p95 latency not measured yet (no validation run)",
            ],
            decision.Reasons);
    }

    [Fact]
    public void A_draft_stays_draft_while_one_required_suite_fails()
    {
        var evidence = Passing().WithValidation(Run("functional", 37, 3, 300, T0.AddMinutes(5)));

        var decision = Evaluate(evidence, CertificationStatuses.Draft, T0.AddMinutes(5));

        Assert.Equal(CertificationStatuses.Draft, decision.Status);
        Assert.Equal(["suite functional: latest run failed 3 of 40"], decision.Reasons);
    }

    [Fact]
    public void A_draft_missing_one_required_suite_stays_draft()
    {
        var evidence = IntegrationEvidence.Empty.WithValidation(Run("functional", 40, 0, 300, T0));

        var decision = Evaluate(evidence, CertificationStatuses.Draft, T0);

        Assert.Equal(CertificationStatuses.Draft, decision.Status);
        Assert.Equal(["suite security: no run reported"], decision.Reasons);
    }

    [Fact]
    public void A_run_with_no_tests_does_not_pass_its_suite()
    {
        var evidence = Passing().WithValidation(Run("security", 0, 0, 120, T0.AddMinutes(1)));

        Assert.Equal(["suite security: latest run ran no tests"], Evaluate(evidence, CertificationStatuses.Draft, T0.AddMinutes(1)).Reasons);
    }

    [Fact]
    public void A_suite_that_is_not_required_does_not_block_certification_but_its_latency_and_findings_count()
    {
        var failingExtra = Passing().WithValidation(Run("load", 5, 5, 200, T0));
        Assert.Equal(CertificationStatuses.Certified, Evaluate(failingExtra, CertificationStatuses.Draft, T0).Status);

        var slowExtra = Passing().WithValidation(Run("load", 10, 0, 1500, T0));
        Assert.Equal(
            ["p95 latency 1500 ms (suite load) above the 1000 ms limit"],
            Evaluate(slowExtra, CertificationStatuses.Draft, T0).Reasons);
    }

    [Fact]
    public void Suite_names_are_compared_case_insensitively()
    {
        var evidence = IntegrationEvidence.Empty
            .WithValidation(Run("Functional", 40, 0, 300, T0))
            .WithValidation(Run(" SECURITY ", 12, 0, 120, T0));

        Assert.Equal(CertificationStatuses.Certified, Evaluate(evidence, CertificationStatuses.Draft, T0).Status);
    }

    // ---- certified → suspended -----------------------------------------------------------------------

    [Fact]
    public void A_certified_integration_is_suspended_by_an_error_spike_over_the_window()
    {
        // 10 of 1000 (1%), then 140 of 1000: 150 of 2000 = 7.5% over the last 24 h.
        var evidence = Passing()
            .WithErrorReport(new ErrorReport(10, 1000, T0.AddHours(1)), T0.AddHours(1), Window);
        Assert.Equal(CertificationStatuses.Certified, Evaluate(evidence, CertificationStatuses.Certified, T0.AddHours(1)).Status);

        evidence = evidence.WithErrorReport(new ErrorReport(140, 1000, T0.AddHours(2)), T0.AddHours(2), Window);
        var decision = Evaluate(evidence, CertificationStatuses.Certified, T0.AddHours(2));

        Assert.Equal(CertificationStatuses.Suspended, decision.Status);
        Assert.True(decision.Changed);
        Assert.Equal(["error rate 7.5% over 24 h above 5.0% (150 errors in 2000 calls)"], decision.Reasons);
    }

    [Fact]
    public void An_error_rate_exactly_at_the_threshold_does_not_suspend()
    {
        var evidence = Passing().WithErrorReport(new ErrorReport(50, 1000, T0), T0, Window);

        var decision = Evaluate(evidence, CertificationStatuses.Certified, T0);

        Assert.Equal(CertificationStatuses.Certified, decision.Status);
        Assert.Contains("error rate 5.0% over 24 h within 5.0% (50 errors in 1000 calls)", decision.Reasons);
    }

    [Fact]
    public void A_failed_revalidation_suspends_a_certified_integration()
    {
        var evidence = Passing().WithValidation(Run("security", 11, 1, 120, T0.AddDays(10)));

        var decision = Evaluate(evidence, CertificationStatuses.Certified, T0.AddDays(10));

        Assert.Equal(CertificationStatuses.Suspended, decision.Status);
        Assert.Equal(["suite security: latest run failed 1 of 12"], decision.Reasons);
    }

    [Fact]
    public void An_open_high_severity_finding_suspends_and_is_named()
    {
        var evidence = Passing().WithValidation(Run("security", 12, 0, 120, T0.AddDays(1),
            new SecurityFinding("high", "SQL injection in /export"), new SecurityFinding("medium", "weak TLS cipher")));

        var decision = Evaluate(evidence, CertificationStatuses.Certified, T0.AddDays(1));

        Assert.Equal(CertificationStatuses.Suspended, decision.Status);
        Assert.Equal(["1 open high-severity security finding: SQL injection in /export (suite security)"], decision.Reasons);
    }

    [Fact]
    public void P95_latency_over_the_limit_suspends()
    {
        var evidence = Passing().WithValidation(Run("functional", 40, 0, 1250.5m, T0.AddDays(1)));

        var decision = Evaluate(evidence, CertificationStatuses.Certified, T0.AddDays(1));

        Assert.Equal(CertificationStatuses.Suspended, decision.Status);
        Assert.Equal(["p95 latency 1250.5 ms (suite functional) above the 1000 ms limit"], decision.Reasons);
    }

    [Fact]
    public void Every_failing_criterion_is_a_reason_in_the_documented_order()
    {
        var evidence = IntegrationEvidence.Empty
            .WithValidation(Run("functional", 30, 10, 2000, T0))
            .WithValidation(Run("security", 12, 0, 100, T0, new SecurityFinding("high", "a"), new SecurityFinding("HIGH", "b")))
            .WithErrorReport(new ErrorReport(1, 1, T0), T0, Window);

        var decision = Evaluate(evidence, CertificationStatuses.Certified, T0);

        Assert.Equal(
            [
                "suite functional: latest run failed 10 of 40",
                "p95 latency 2000 ms (suite functional) above the 1000 ms limit",
                "2 open high-severity security findings: a (suite security); b (suite security)",
                "error rate 100.0% over 24 h above 5.0% (1 error in 1 call)",
            ],
            decision.Reasons);
    }

    [Fact]
    public void A_suite_newly_made_required_suspends_until_it_runs()
    {
        var settings = Settings with { RequiredSuites = ["functional", "security", "load"] };

        var decision = Certification.Evaluate(Passing(), CertificationStatuses.Certified, settings, T0);

        Assert.Equal(CertificationStatuses.Suspended, decision.Status);
        Assert.Equal(["suite load: no run reported"], decision.Reasons);
    }

    // ---- suspended → certified -----------------------------------------------------------------------

    [Fact]
    public void A_suspension_for_errors_is_lifted_when_the_spike_leaves_the_window_with_no_new_event()
    {
        var spikeAt = T0.AddHours(2);
        var evidence = Passing().WithErrorReport(new ErrorReport(140, 1000, spikeAt), spikeAt, Window);
        Assert.Equal(CertificationStatuses.Suspended, Evaluate(evidence, CertificationStatuses.Certified, spikeAt).Status);

        // One tick before 24 h the report still counts; at exactly 24 h it has left the window.
        Assert.Equal(spikeAt + Window, evidence.NextErrorReportExpiry(spikeAt, Window));
        var before = Evaluate(evidence, CertificationStatuses.Suspended, spikeAt + Window - TimeSpan.FromTicks(1));
        var after = Evaluate(evidence, CertificationStatuses.Suspended, spikeAt + Window);

        Assert.Equal(CertificationStatuses.Suspended, before.Status);
        Assert.False(before.Changed);
        Assert.Equal(CertificationStatuses.Certified, after.Status);
        Assert.True(after.Changed);
        Assert.Equal(CertificationStatuses.Suspended, after.From);
        Assert.Contains("no calls reported in the last 24 h", after.Reasons);
    }

    [Fact]
    public void A_suspension_for_errors_is_lifted_when_healthy_traffic_dilutes_the_spike()
    {
        // 150 of 2000 (7.5%) then 0 of 5000: 150 of 7000 = 2.143%.
        var evidence = Passing()
            .WithErrorReport(new ErrorReport(150, 2000, T0.AddHours(1)), T0.AddHours(1), Window)
            .WithErrorReport(new ErrorReport(0, 5000, T0.AddHours(3)), T0.AddHours(3), Window);

        var decision = Evaluate(evidence, CertificationStatuses.Suspended, T0.AddHours(3));

        Assert.Equal(CertificationStatuses.Certified, decision.Status);
        Assert.Contains("error rate 2.143% over 24 h within 5.0% (150 errors in 7000 calls)", decision.Reasons);
    }

    [Fact]
    public void A_suspension_for_a_failed_revalidation_is_lifted_by_a_passing_rerun()
    {
        var failed = Passing().WithValidation(Run("functional", 39, 1, 300, T0.AddDays(1)));
        Assert.Equal(CertificationStatuses.Suspended, Evaluate(failed, CertificationStatuses.Certified, T0.AddDays(1)).Status);

        var fixedRun = failed.WithValidation(Run("functional", 41, 0, 280, T0.AddDays(2)));
        var decision = Evaluate(fixedRun, CertificationStatuses.Suspended, T0.AddDays(2));

        Assert.Equal(CertificationStatuses.Certified, decision.Status);
        Assert.Contains("suite functional: latest run passed 41 of 41", decision.Reasons);
    }

    [Fact]
    public void A_finding_is_closed_by_a_later_run_of_the_same_suite_that_no_longer_reports_it()
    {
        var open = Passing().WithValidation(Run("security", 12, 0, 120, T0.AddDays(1), new SecurityFinding("high", "open redirect")));
        var closed = open.WithValidation(Run("security", 12, 0, 120, T0.AddDays(2)));

        Assert.Single(open.OpenHighSeverityFindings);
        Assert.Empty(closed.OpenHighSeverityFindings);
        Assert.Equal(CertificationStatuses.Certified, Evaluate(closed, CertificationStatuses.Suspended, T0.AddDays(2)).Status);
    }

    [Fact]
    public void A_suspended_integration_that_still_fails_stays_suspended_and_never_returns_to_draft()
    {
        var evidence = Passing().WithValidation(Run("functional", 0, 40, 300, T0.AddDays(1)));

        var decision = Evaluate(evidence, CertificationStatuses.Suspended, T0.AddDays(1));

        Assert.Equal(CertificationStatuses.Suspended, decision.Status);
        Assert.False(decision.Changed);
    }

    [Fact]
    public void An_unknown_current_status_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluate(Passing(), "approved", T0));
    }

    // ---- the evidence ------------------------------------------------------------------------------

    [Fact]
    public void The_latest_run_of_a_suite_is_the_one_with_the_latest_time_whatever_the_arrival_order()
    {
        var newer = Run("functional", 40, 0, 300, T0.AddHours(2));
        var older = Run("functional", 0, 40, 300, T0.AddHours(1));
        var sameTime = Run("functional", 39, 1, 300, T0.AddHours(2));

        var evidence = IntegrationEvidence.Empty.WithValidation(newer).WithValidation(older);
        Assert.Equal(newer, evidence.LatestRun("functional"));

        Assert.Equal(sameTime, evidence.WithValidation(sameTime).LatestRun("FUNCTIONAL"));
        Assert.Equal(T0.AddHours(2), evidence.LastValidatedAt);
    }

    [Fact]
    public void The_error_rate_sums_errors_and_calls_of_the_reports_inside_the_window_only()
    {
        var now = T0.AddHours(30);
        var evidence = IntegrationEvidence.Empty with
        {
            ErrorReports =
            [
                new ErrorReport(500, 500, T0),                       // 30 h old: outside
                new ErrorReport(99, 100, now - Window),              // exactly 24 h old: outside
                new ErrorReport(3, 100, now - Window + TimeSpan.FromSeconds(1)),
                new ErrorReport(1, 300, now),
                new ErrorReport(0, 100, now.AddMinutes(4)),          // stamped slightly ahead: counts
            ],
        };

        var figure = evidence.ErrorRate(now, Window);

        Assert.Equal(new ErrorRateFigure(4, 500, 0.008m), figure);
        Assert.Equal(3, evidence.Pruned(now, Window).ErrorReports.Count);
    }

    [Fact]
    public void Folding_an_error_report_drops_the_reports_that_left_the_window_and_keeps_time_order()
    {
        var evidence = IntegrationEvidence.Empty
            .WithErrorReport(new ErrorReport(1, 10, T0), T0, Window)
            .WithErrorReport(new ErrorReport(2, 10, T0.AddHours(5)), T0.AddHours(5), Window)
            .WithErrorReport(new ErrorReport(3, 10, T0.AddHours(3)), T0.AddHours(5), Window)
            .WithErrorReport(new ErrorReport(4, 10, T0.AddHours(25)), T0.AddHours(25), Window);

        Assert.Equal([3L, 2L, 4L], evidence.ErrorReports.Select(r => r.Errors));
        Assert.Equal(T0.AddHours(27), evidence.NextErrorReportExpiry(T0.AddHours(25), Window));
    }

    [Fact]
    public void Events_fold_into_the_evidence_by_their_type()
    {
        var validation = new ActivityEvent
        {
            Id = "e1", Type = EventTypes.IntegrationValidationReported, OccurredAt = T0, IntegrationId = "crm-sync",
            Suite = "security", Passed = 12, Failed = 0, P95LatencyMs = 120, SecurityFindings = [new SecurityFinding("high", "xss")],
        };
        var errors = new ActivityEvent
        {
            Id = "e2", Type = EventTypes.IntegrationErrorReported, OccurredAt = T0.AddMinutes(1), IntegrationId = "crm-sync", Errors = 2, Calls = 40,
        };

        var evidence = IntegrationEvidence.Empty.Apply(validation, T0, Window).Apply(errors, T0.AddMinutes(1), Window);

        Assert.Equal(12, evidence.LatestRun("security")!.Passed);
        Assert.Equal("xss", Assert.Single(evidence.OpenHighSeverityFindings).Finding.Title);
        Assert.Equal(new ErrorRateFigure(2, 40, 0.05m), evidence.ErrorRate(T0.AddMinutes(1), Window));
    }

    // ---- a story with a moving clock -----------------------------------------------------------------

    [Fact]
    public void Draft_to_certified_to_suspended_and_back_as_evidence_and_time_arrive()
    {
        var history = new List<CertificationDecision>();
        var status = CertificationStatuses.Draft;
        var evidence = IntegrationEvidence.Empty;
        void At(DateTimeOffset now, Func<IntegrationEvidence, IntegrationEvidence>? fold = null)
        {
            evidence = (fold ?? (e => e))(evidence).Pruned(now, Window);
            var decision = Evaluate(evidence, status, now);
            if (decision.Changed)
            {
                history.Add(decision);
            }

            status = decision.Status;
        }

        At(T0, e => e.WithValidation(Run("functional", 40, 0, 300, T0)));
        At(T0.AddMinutes(10), e => e.WithValidation(Run("security", 12, 0, 120, T0.AddMinutes(10))));
        At(T0.AddHours(1), e => e.WithErrorReport(new ErrorReport(10, 1000, T0.AddHours(1)), T0.AddHours(1), Window));
        At(T0.AddHours(2), e => e.WithErrorReport(new ErrorReport(140, 1000, T0.AddHours(2)), T0.AddHours(2), Window));
        At(T0.AddHours(25));
        At(T0.AddHours(26));

        Assert.Equal(
            [
                (CertificationStatuses.Draft, CertificationStatuses.Certified, T0.AddMinutes(10)),
                (CertificationStatuses.Certified, CertificationStatuses.Suspended, T0.AddHours(2)),
                (CertificationStatuses.Suspended, CertificationStatuses.Certified, T0.AddHours(26)),
            ],
            history.Select(h => (h.From, h.Status, h.At)));
        Assert.Equal(["error rate 7.5% over 24 h above 5.0% (150 errors in 2000 calls)"], history[1].Reasons);
        Assert.Empty(evidence.ErrorReports);
    }
}
