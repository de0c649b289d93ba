package hookflow_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	hookflow "github.com/hookflow/hookflow-go"
)

// flakyProxy stands in front of the real API on loopback: it answers the first requests of a method and path with
// the statuses given (and Retry-After: 1), forwards the rest, and records each request's Idempotency-Key.
type flakyProxy struct {
	server  *httptest.Server
	mu      sync.Mutex
	refuse  map[string][]int
	seen    map[string][]string
	arrived map[string][]time.Time
}

func startFlakyProxy(t *testing.T, refuse map[string][]int) *flakyProxy {
	t.Helper()
	api, err := url.Parse(environment(t, "HOOKFLOW_URL"))
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(api)
	proxy := &flakyProxy{refuse: refuse, seen: map[string][]string{}, arrived: map[string][]time.Time{}}
	proxy.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := r.Method + " " + r.URL.Path
		proxy.mu.Lock()
		proxy.seen[route] = append(proxy.seen[route], r.Header.Get("Idempotency-Key"))
		proxy.arrived[route] = append(proxy.arrived[route], time.Now())
		statuses := proxy.refuse[route]
		var status int
		if len(statuses) > 0 {
			status, proxy.refuse[route] = statuses[0], statuses[1:]
		}
		proxy.mu.Unlock()
		if status == 0 {
			forward.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":{"code":"unavailable","message":"the proxy says not now"}}`))
	}))
	t.Cleanup(proxy.server.Close)
	return proxy
}

func (p *flakyProxy) keys(route string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen[route]...)
}

func TestEventPostRetriedAfter503And429OnceWithOneKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, ownerKey := ownerClient(t, ctx)
	proxy := startFlakyProxy(t, map[string][]int{"POST /v1/events": {503, 429}})
	client := hookflow.New(proxy.server.URL, ownerKey)

	started := time.Now()
	event, err := client.Events.Create(ctx, hookflow.EventsCreateRequest{Type: eventType, Data: map[string]any{"retried": true}})
	if err != nil {
		t.Fatalf("events.create behind a 503 and a 429: %v", err)
	}
	keys := proxy.keys("POST /v1/events")
	if len(keys) != 3 || keys[0] == "" || keys[1] != keys[0] || keys[2] != keys[0] {
		t.Fatalf("the proxy saw Idempotency-Keys %q, not one key three times", keys)
	}
	proxy.mu.Lock()
	arrived := proxy.arrived["POST /v1/events"]
	proxy.mu.Unlock()
	for i := 1; i < len(arrived); i++ {
		if waited := arrived[i].Sub(arrived[i-1]); waited < 900*time.Millisecond {
			t.Fatalf("retry %d came %v after the Retry-After: 1 answer", i, waited)
		}
	}
	if time.Since(started) < 2*time.Second {
		t.Fatalf("two Retry-After: 1 answers, yet the call returned after %v", time.Since(started))
	}

	var stored []hookflow.Event
	for listed, err := range client.Events.List(ctx, &hookflow.EventsListParams{Type: eventType}) {
		if err != nil {
			t.Fatalf("events.list: %v", err)
		}
		stored = append(stored, listed)
	}
	if len(stored) != 1 || stored[0].ID != event.ID {
		t.Fatalf("the owner has %d events after one call retried twice, not only %s", len(stored), event.ID)
	}
}

func TestHookCreateNotSentAgainAfter503(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, ownerKey := ownerClient(t, ctx)
	proxy := startFlakyProxy(t, map[string][]int{"POST /v1/hooks": {503}, "GET /v1/hooks": {503}})
	client := hookflow.New(proxy.server.URL, ownerKey)

	// A 503 may come after hooks.create did its work: a POST without an Idempotency-Key is not sent again.
	_, err := client.Hooks.Create(ctx, hookflow.HooksCreateRequest{
		Name:   "not twice",
		Events: []string{eventType},
		Target: hookflow.HttpTarget{Type: "http", URL: environment(t, "HOOKFLOW_RECEIVER_URL") + "/never"},
	})
	if !hookflow.IsServiceUnavailable(err) {
		t.Fatalf("hooks.create behind a 503: %v", err)
	}
	if sent := len(proxy.keys("POST /v1/hooks")); sent != 1 {
		t.Fatalf("hooks.create was sent %d times", sent)
	}

	// A read is: the list comes through the 503.
	page, err := client.Hooks.ListPage(ctx, nil)
	if err != nil || len(page.Data) != 0 {
		t.Fatalf("hooks.list behind a 503: %v, %+v", err, page)
	}
	if sent := len(proxy.keys("GET /v1/hooks")); sent != 2 {
		t.Fatalf("hooks.list was sent %d times, not twice", sent)
	}
}

func TestNoListenerIsAConnectionError(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	address := closed.URL
	closed.Close()
	client := hookflow.New(address, "key", hookflow.WithMaxRetries(1))
	_, err := client.Hooks.Create(context.Background(), hookflow.HooksCreateRequest{Name: "x", Events: []string{eventType}})
	if !hookflow.IsConnection(err) || hookflow.IsTimeout(err) {
		t.Fatalf("a call to a closed port: %v", err)
	}
}

func TestSlowAnswerIsATimeout(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	client := hookflow.New(slow.URL, "key", hookflow.WithTimeout(100*time.Millisecond), hookflow.WithMaxRetries(0))
	_, err := client.Hooks.Get(context.Background(), "hook_x")
	if !hookflow.IsTimeout(err) || !hookflow.IsConnection(err) {
		t.Fatalf("an answer slower than the timeout: %v", err)
	}
}

func TestCallersContextEndsTheWaitForRetryAfter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, ownerKey := ownerClient(t, ctx)
	proxy := startFlakyProxy(t, map[string][]int{"GET /v1/hooks": {503}})
	client := hookflow.New(proxy.server.URL, ownerKey)
	waiting, stop := context.WithTimeout(ctx, 300*time.Millisecond)
	defer stop()
	_, err := client.Hooks.ListPage(waiting, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a context ended during Retry-After: 1: %v", err)
	}
	if sent := len(proxy.keys("GET /v1/hooks")); sent != 1 {
		t.Fatalf("hooks.list was sent %d times after its context ended", sent)
	}
}
