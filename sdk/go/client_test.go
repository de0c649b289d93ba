package hookflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	hookflow "github.com/hookflow/hookflow-go"
)

func TestEventDeliveredVerifiedAndListedAcrossPages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client, _ := ownerClient(t, ctx)
	path := "/" + unique("go")
	hook, err := client.Hooks.Create(ctx, hookflow.HooksCreateRequest{
		Name:   "Go SDK receiver",
		Events: []string{eventType},
		// Type left empty: the variant sends its own ("http").
		Target: hookflow.HttpTarget{URL: environment(t, "HOOKFLOW_RECEIVER_URL") + path},
	})
	if err != nil {
		t.Fatalf("hooks.create: %v", err)
	}
	if hook.Secret == "" || hook.Status != "enabled" {
		t.Fatalf("hooks.create answered status %q, secret %q", hook.Status, hook.Secret)
	}

	var posted []string
	for i := range 3 {
		event, err := client.Events.Create(ctx, hookflow.EventsCreateRequest{Type: eventType, Data: map[string]any{"n": i}})
		if err != nil {
			t.Fatalf("events.create: %v", err)
		}
		posted = append(posted, event.ID)
	}

	requests := waitForRequests(t, path, 3)
	first := requests[0]
	if err := hookflow.VerifyWebhook(hook.Secret, first.header(), []byte(first.Body)); err != nil {
		t.Fatalf("the delivered request does not verify: %v", err)
	}
	tampered := []byte(first.Body[:len(first.Body)-1] + " }")
	err = hookflow.VerifyWebhook(hook.Secret, first.header(), tampered)
	if !hookflow.IsWebhookNotVerified(err) {
		t.Fatalf("a tampered body verified, or failed otherwise: %v", err)
	}

	// Deliveries land as succeeded a moment after the receiver answers.
	filter := &hookflow.DeliveriesListParams{HookID: hook.ID, Status: "succeeded", Limit: 2}
	var delivered []hookflow.DeliverySummary
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		delivered = delivered[:0]
		for delivery, err := range client.Deliveries.List(ctx, filter) {
			if err != nil {
				t.Fatalf("deliveries.list: %v", err)
			}
			delivered = append(delivered, delivery)
		}
		if len(delivered) == 3 || time.Now().After(deadline) {
			break
		}
	}
	if len(delivered) != 3 {
		t.Fatalf("listed %d succeeded deliveries across pages of 2, not 3", len(delivered))
	}
	events := map[string]bool{}
	for _, delivery := range delivered {
		if delivery.HookID != hook.ID || delivery.Status != "succeeded" {
			t.Fatalf("the filter let through %+v", delivery)
		}
		events[delivery.EventID] = true
	}
	for _, id := range posted {
		if !events[id] {
			t.Fatalf("event %s has no delivery listed; listed %v", id, events)
		}
	}
	page, err := client.Deliveries.ListPage(ctx, filter)
	if err != nil || len(page.Data) != 2 || page.NextCursor == nil {
		t.Fatalf("the first page of 2 of 3: %v, %+v", err, page)
	}

	delivery, err := client.Deliveries.Get(ctx, delivered[0].ID)
	if err != nil {
		t.Fatalf("deliveries.get: %v", err)
	}
	if delivery.ID != delivered[0].ID || len(delivery.Attempts) == 0 || delivery.Attempts[0].StatusCode == nil || *delivery.Attempts[0].StatusCode != 200 {
		t.Fatalf("deliveries.get answered %+v", delivery)
	}

	replay, err := client.Replays.Recover(ctx, hook.ID, hookflow.ReplaysRecoverRequest{
		Since:    time.Now().Add(-time.Hour),
		Statuses: []string{"succeeded"},
	})
	if err != nil {
		t.Fatalf("replays.recover: %v", err)
	}
	for deadline := time.Now().Add(30 * time.Second); replay.FinishedAt == nil; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the recovery did not finish: %+v", replay)
		}
		if replay, err = client.Replays.Get(ctx, replay.ID); err != nil {
			t.Fatalf("replays.get: %v", err)
		}
	}
	if replay.Status != "completed" || replay.Total != 3 || replay.Succeeded != 3 {
		t.Fatalf("the recovery of 3 succeeded deliveries ended %+v", replay)
	}
	waitForRequests(t, path, 6)
}

func TestTypedErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, _ := ownerClient(t, ctx)

	_, err := client.Hooks.Get(ctx, "hook_doesnotexist")
	var apiError *hookflow.Error
	if !errors.As(err, &apiError) || !hookflow.IsNotFound(err) {
		t.Fatalf("hooks.get of an unknown id: %v", err)
	}
	if apiError.Status != 404 || apiError.Code != "not_found" || apiError.RequestID == "" || apiError.Message == "" {
		t.Fatalf("the 404 carries %+v", apiError)
	}

	_, err = client.Events.Create(ctx, hookflow.EventsCreateRequest{Type: "", Data: map[string]any{}})
	if !hookflow.IsValidation(err) || !errors.As(err, &apiError) {
		t.Fatalf("an event without a type: %v", err)
	}
	if apiError.Code != "validation_failed" || apiError.Details == nil || apiError.RequestID == "" {
		t.Fatalf("the 400 carries %+v", apiError)
	}
	if hookflow.IsNotFound(err) || hookflow.IsConnection(err) {
		t.Fatalf("a 400 reads as another error: %v", err)
	}
}

func TestCallersIdempotencyKeyAnswersTheFirstEvent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, _ := ownerClient(t, ctx)
	key := hookflow.WithIdempotencyKey(unique("order"))
	body := hookflow.EventsCreateRequest{Type: eventType, Data: map[string]any{"order": 7}}
	first, err := client.Events.Create(ctx, body, key)
	if err != nil {
		t.Fatalf("events.create: %v", err)
	}
	again, err := client.Events.Create(ctx, body, key)
	if err != nil || again.ID != first.ID {
		t.Fatalf("the same key again answered %v, %+v; the first was %s", err, again, first.ID)
	}
	page, err := client.Events.ListPage(ctx, &hookflow.EventsListParams{Type: eventType})
	if err != nil || len(page.Data) != 1 {
		t.Fatalf("two posts with one key stored %v, %+v", err, page)
	}
}
