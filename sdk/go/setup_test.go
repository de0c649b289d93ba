package hookflow_test

// The tests run against a real Hookflow that test/sdk-go.test.ts starts, and names in the environment:
// HOOKFLOW_URL, HOOKFLOW_ADMIN_KEY, HOOKFLOW_RECEIVER_URL (a webhook receiver on loopback) and
// HOOKFLOW_RECEIVED_URL (what that receiver got, as JSON).

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	hookflow "github.com/hookflow/hookflow-go"
)

const eventType = "project.created"

func environment(t *testing.T, name string) string {
	t.Helper()
	value := os.Getenv(name)
	if value == "" {
		t.Fatalf("%s is not set: run these tests with `npm test -- test/sdk-go.test.ts`", name)
	}
	return value
}

func unique(prefix string) string {
	return prefix + "-" + strings.ToLower(rand.Text()[:10])
}

// ownerClient makes a new owner with the admin key, through the SDK, and returns a client with that owner's key,
// and the key; the event type the tests post is in the catalogue first (event types are the admin's).
func ownerClient(t *testing.T, ctx context.Context, options ...hookflow.Option) (*hookflow.Client, string) {
	t.Helper()
	admin := hookflow.New(environment(t, "HOOKFLOW_URL"), environment(t, "HOOKFLOW_ADMIN_KEY"))
	if _, err := admin.EventTypes.Create(ctx, hookflow.EventTypesCreateRequest{Name: eventType}); err != nil && !hookflow.IsConflict(err) {
		t.Fatalf("event type: %v", err)
	}
	name := unique("Go SDK")
	owner, err := admin.Owners.Create(ctx, hookflow.OwnersCreateRequest{Name: name, Email: unique("go") + "@example.test"})
	if err != nil {
		t.Fatalf("owners.create: %v", err)
	}
	if owner.Name != name || owner.APIKey == "" {
		t.Fatalf("owners.create answered %+v", owner)
	}
	return hookflow.New(environment(t, "HOOKFLOW_URL"), owner.APIKey, options...), owner.APIKey
}

// receivedRequest is one request the receiver got, as test/support/receiver.ts records it.
type receivedRequest struct {
	Method  string                     `json:"method"`
	Path    string                     `json:"path"`
	Headers map[string]json.RawMessage `json:"headers"`
	Body    string                     `json:"body"`
}

// header is the request's headers as net/http gives them to a receiver (Node's are lower-case, a string or a list).
func (r receivedRequest) header() http.Header {
	header := http.Header{}
	for name, raw := range r.Headers {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			header.Add(name, one)
			continue
		}
		var many []string
		_ = json.Unmarshal(raw, &many)
		for _, value := range many {
			header.Add(name, value)
		}
	}
	return header
}

// waitForRequests polls the receiver until it got count requests on path (a delivery takes a moment).
func waitForRequests(t *testing.T, path string, count int) []receivedRequest {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		response, err := http.Get(environment(t, "HOOKFLOW_RECEIVED_URL") + "/requests")
		if err != nil {
			t.Fatalf("receiver: %v", err)
		}
		var all []receivedRequest
		err = json.NewDecoder(response.Body).Decode(&all)
		response.Body.Close()
		if err != nil {
			t.Fatalf("receiver's requests: %v", err)
		}
		var mine []receivedRequest
		for _, request := range all {
			if request.Path == path {
				mine = append(mine, request)
			}
		}
		if len(mine) >= count {
			return mine
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d requests on %s, not %d", len(mine), path, count)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
