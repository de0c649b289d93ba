package hookflow

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// transport sends the generated resources' requests: the base URL and the key, JSON both ways, a timeout per
// attempt, retries with backoff on 429, 503 and failed connections, and error answers turned into *Error.
type transport struct {
	baseURL       string
	apiKey        string
	http          *http.Client
	timeout       time.Duration
	maxRetries    int
	maxRetryDelay time.Duration
}

// request is one operation's request, as the generated resources describe it.
type request struct {
	method string
	// path has its parameters filled in.
	path  string
	query url.Values
	// body is marshalled to JSON; nil sends none.
	body any
	// idempotent: the operation takes an Idempotency-Key (the document says so).
	idempotent bool
}

// optionalBody is nil for a nil pointer, so that an operation whose body is optional sends none rather than "null".
func optionalBody[T any](body *T) any {
	if body == nil {
		return nil
	}
	return body
}

func (t *transport) do(ctx context.Context, req request, answer any, opts []RequestOption) error {
	var options callOptions
	for _, option := range opts {
		option(&options)
	}
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("hookflow: %s %s: the body does not marshal to JSON: %w", req.method, req.path, err)
		}
	}
	header := t.header(req, body, options)
	target := t.baseURL + req.path
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	replayable := req.method != http.MethodPost || req.idempotent
	for retry := 0; ; retry++ {
		text, err := t.attempt(ctx, req.method, target, header, body)
		if err == nil {
			if answer == nil || len(text) == 0 {
				return nil
			}
			if err := json.Unmarshal(text, answer); err != nil {
				return &Error{Code: codeInvalidAnswer, Message: fmt.Sprintf("%s %s: the answer is not the JSON expected: %v", req.method, target, err), err: err}
			}
			return nil
		}
		var apiError *Error
		if !errors.As(err, &apiError) || !isRetried(apiError, replayable) || retry >= t.maxRetries {
			return err
		}
		delay, ok := retryDelay(retry, apiError.RetryAfter, t.maxRetryDelay)
		if !ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// attempt sends the request once: the answer's body on a success, an *Error otherwise (or the caller's ctx.Err()).
// The body is read within the attempt's timeout: a connection cut halfway is a failed connection.
func (t *transport) attempt(ctx context.Context, method, target string, header http.Header, body []byte) ([]byte, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	httpRequest, err := http.NewRequestWithContext(attemptCtx, method, target, reader)
	if err != nil {
		return nil, fmt.Errorf("hookflow: %s %s: %w", method, target, err)
	}
	httpRequest.Header = header.Clone()
	response, err := t.http.Do(httpRequest)
	var text []byte
	if err == nil {
		text, err = io.ReadAll(response.Body)
		response.Body.Close()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, connectionError(method, target, err, attemptCtx.Err() != nil)
	}
	if response.StatusCode >= 200 && response.StatusCode < 300 {
		return text, nil
	}
	return nil, errorFrom(response, text)
}

func (t *transport) header(req request, body []byte, options callOptions) http.Header {
	header := http.Header{}
	header.Set("Accept", "application/json")
	if t.apiKey != "" {
		header.Set("Authorization", "Bearer "+t.apiKey)
	}
	if body != nil {
		header.Set("Content-Type", "application/json")
	}
	// One key per call, reused by its retries: the API answers a repeat with what the first request made.
	if req.idempotent {
		key := options.idempotencyKey
		if key == "" {
			key = ownID(body)
		}
		if key == "" {
			key = rand.Text()
		}
		header.Set("Idempotency-Key", key)
	}
	return header
}

// ownID is the `id` of a body that names itself (an event): its own idempotency key, since the API refuses a key
// that differs from it (services/events.ts).
func ownID(body []byte) string {
	var named struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &named) != nil {
		return ""
	}
	return named.ID
}

// isRetried: a 429 refuses a request before it does anything, and a connection that never opened carried nothing;
// a 503, a timeout or a lost answer may come after the API did its work. So a request that could do its work twice
// (a POST without an Idempotency-Key, such as Hooks.Create) is sent again only after the first two.
func isRetried(err *Error, replayable bool) bool {
	if err.Status == http.StatusTooManyRequests || err.Code == codeNeverConnected {
		return true
	}
	return replayable && (err.Status == 0 || err.Status == http.StatusServiceUnavailable)
}

const (
	codeNeverConnected = "connection_refused"
	codeConnection     = "connection_failed"
	codeTimeout        = "timeout"
	codeInvalidAnswer  = "invalid_answer"
)

// connectionError is the *Error of an attempt that got no answer: it timed out, never connected (nothing listened,
// the name did not resolve: a dial error), or lost its connection.
func connectionError(method, target string, err error, timedOut bool) *Error {
	code := codeConnection
	var dial *net.OpError
	switch {
	case timedOut:
		code = codeTimeout
	case errors.As(err, &dial) && dial.Op == "dial":
		code = codeNeverConnected
	}
	return &Error{Code: code, Message: fmt.Sprintf("%s %s: %v", method, target, err), err: err}
}

// errorFrom is the *Error of an error answer, from its {"error": {...}} body when it has one.
func errorFrom(response *http.Response, text []byte) *Error {
	var parsed struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			Details   any    `json:"details"`
			RequestID string `json:"requestId"`
		} `json:"error"`
	}
	// Not JSON (a proxy's page): the status says what happened.
	_ = json.Unmarshal(text, &parsed)
	found := parsed.Error
	err := &Error{
		Status:     response.StatusCode,
		Code:       found.Code,
		Message:    found.Message,
		Details:    found.Details,
		RequestID:  found.RequestID,
		RetryAfter: parseRetryAfter(response.Header.Get("Retry-After"), time.Now()),
	}
	if err.Code == "" {
		err.Code = fmt.Sprintf("http_%d", response.StatusCode)
	}
	if err.Message == "" {
		err.Message = fmt.Sprintf("HTTP %d: %.200s", response.StatusCode, text)
	}
	if err.RequestID == "" {
		err.RequestID = response.Header.Get("X-Request-Id")
	}
	return err
}
