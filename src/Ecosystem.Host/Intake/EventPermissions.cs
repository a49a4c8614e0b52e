using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Keys;
using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Events;

namespace Ecosystem.Host.Intake;

/// <summary>
/// What each kind of key may send. Admin: everything. Rep: deal and lead activity. Partner: only as
/// itself: events naming its own partnerId, partnerless deal events for deals it registered or
/// touched, and validation and error reports of integrations it owns; never registration reviews,
/// churn reports, installs, uninstalls or listing views (those come from the channel team's systems).
/// </summary>
public sealed class EventPermissions(IGrainFactory grains)
{
    /// <summary>Null when allowed, else the reason. <paramref name="joinedInBatch"/> holds deals this partner joined earlier in the same request.</summary>
    public async ValueTask<string?> CheckAsync(Principal who, ActivityEvent e, HashSet<string> joinedInBatch) =>
        await CheckKeyAsync(who, e, joinedInBatch) ?? await CheckStateAsync(e);

    /// <summary>Events that only make sense in some states of their entity.</summary>
    private async ValueTask<string?> CheckStateAsync(ActivityEvent e)
    {
        if (e.Type == EventTypes.DealRegistrationReviewed)
        {
            var deal = await grains.GetGrain<IDealGrain>(e.DealId!).GetView();
            var status = deal?.Registration?.Status;
            return status == Domain.Deals.RegistrationStatus.PendingReview
                ? null
                : $"the registration of deal '{e.DealId}' is {status ?? "unknown"}, not pending_review";
        }

        if (e.Type == EventTypes.LeadConverted)
        {
            var lead = await grains.GetGrain<ILeadGrain>(e.LeadId!).GetView();
            return lead?.Status is Contracts.Leads.LeadStatus.Accepted or Contracts.Leads.LeadStatus.Converted
                ? null
                : $"lead '{e.LeadId}' is {lead?.Status ?? "unknown"}; only an accepted lead converts";
        }

        return null;
    }

    private async ValueTask<string?> CheckKeyAsync(Principal who, ActivityEvent e, HashSet<string> joinedInBatch)
    {
        if (who.IsAdmin)
        {
            return null;
        }

        if (who.IsRep && e.Type is EventTypes.LeadAccepted or EventTypes.LeadDeclined)
        {
            return "only the partner holding the offer (or an admin) may answer it";
        }

        if (who.IsRep)
        {
            return EventTypes.IsDealEvent(e.Type) || EventTypes.IsLeadEvent(e.Type)
                ? null
                : "a rep key may send deal and lead events only";
        }

        var self = who.PartnerId!;
        switch (e.Type)
        {
            case EventTypes.DealRegistrationReviewed:
                return "only an admin or rep may review a registration";
            case EventTypes.IntegrationValidationReported:
            case EventTypes.IntegrationErrorReported:
                // The owning technology partner reports its own integration's evidence; an unknown integration gets the same answer.
                return await grains.GetGrain<IIntegrationGrain>(e.IntegrationId!).GetOwner() == self
                    ? null
                    : $"integration '{e.IntegrationId}' is not an integration of partner '{self}'";
            case EventTypes.AccountChurned:
            case EventTypes.MarketplaceViewed:
            case var t when t.StartsWith("integration.", StringComparison.Ordinal):
                return $"a partner key may not send {e.Type} events";
            case EventTypes.LeadSubmitted:
                return e.Source == "partner" && e.SourcePartnerId == self
                    ? null
                    : "a partner may submit leads only with source 'partner' and its own sourcePartnerId";
        }

        if (e.PartnerId is not null)
        {
            if (e.PartnerId != self)
            {
                return $"partnerId must be this key's partner '{self}'";
            }

            if (e.DealId is not null && e.Type is EventTypes.DealRegistered or EventTypes.DealTouch)
            {
                joinedInBatch.Add(e.DealId);
            }

            return null;
        }

        if (e.Type == EventTypes.LeadConverted)
        {
            var lead = await grains.GetGrain<ILeadGrain>(e.LeadId!).GetView();
            return lead?.History.Any(h => h.PartnerId == self && h.Outcome == "accepted") == true
                ? null
                : $"lead '{e.LeadId}' is not held by partner '{self}'";
        }

        if (e.DealId is not null)
        {
            return joinedInBatch.Contains(e.DealId) || await grains.GetGrain<IDealGrain>(e.DealId).IsParticipant(self)
                ? null
                : $"partner '{self}' is not part of deal '{e.DealId}'";
        }

        return $"a partner key may not send {e.Type} events";
    }
}
