package hookflow

import (
	"net/http"
	"strings"
	"time"
)

// Client calls the Hookflow API. Its fields (Hooks, Events, Deliveries, ...) are the API's resources, one method per
// operation. It is safe for concurrent use.
type Client struct {
	resources
}

// Option changes how New builds a Client.
type Option func(*transport)

// WithHTTPClient sends requests through client (a proxy's, a test's) instead of a plain http.Client.
func WithHTTPClient(client *http.Client) Option {
	return func(t *transport) { t.http = client }
}

// WithTimeout bounds one attempt, answer's body included (30 s unless given); a timed-out attempt is retried.
func WithTimeout(timeout time.Duration) Option {
	return func(t *transport) { t.timeout = timeout }
}

// WithMaxRetries sets how many times a request is sent again after a 429, a 503 or a failed connection (2 unless given).
func WithMaxRetries(retries int) Option {
	return func(t *transport) { t.maxRetries = retries }
}

// WithMaxRetryDelay sets the longest wait before a retry (60 s unless given): a Retry-After asking for more fails
// at once rather than hanging.
func WithMaxRetryDelay(delay time.Duration) Option {
	return func(t *transport) { t.maxRetryDelay = delay }
}

// New returns a client of the API at baseURL (e.g. "https://hooks.example.com"; paths such as /v1/hooks are added to
// it), authenticated with apiKey (the admin key or an owner API key, sent as a bearer token; "" sends none).
func New(baseURL, apiKey string, options ...Option) *Client {
	t := &transport{
		baseURL:       strings.TrimRight(baseURL, "/"),
		apiKey:        apiKey,
		http:          &http.Client{},
		timeout:       30 * time.Second,
		maxRetries:    2,
		maxRetryDelay: 60 * time.Second,
	}
	for _, option := range options {
		option(t)
	}
	return &Client{resources: newResources(t)}
}

// RequestOption changes one call.
type RequestOption func(*callOptions)

type callOptions struct {
	idempotencyKey string
}

// WithIdempotencyKey sends key as the Idempotency-Key of an operation that takes one (events.create, the replays),
// instead of one generated per call: the API answers a repeat with what the first request made, so that your own
// retries of the call are safe too. Other operations ignore it.
func WithIdempotencyKey(key string) RequestOption {
	return func(o *callOptions) { o.idempotencyKey = key }
}

// Ptr returns a pointer to v, for the optional fields of requests: hookflow.Ptr("order-7").
func Ptr[T any](v T) *T {
	return &v
}
