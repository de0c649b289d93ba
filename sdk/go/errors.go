package hookflow

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error is every error a call returns but the caller's own context's: an error answer of the API (Status set) or
// an attempt that got no answer (Status 0, Code "connection_refused", "connection_failed" or "timeout"). Take it
// with errors.As, or ask with IsNotFound and the others; branch on Status and Code, never on Message.
type Error struct {
	// Status is the HTTP status; 0 when no answer came.
	Status int
	// Code is stable, for programs: "validation_failed", "not_found", "conflict", ...
	Code string
	// Message is for people: it names the field or id at fault.
	Message string
	// Details names each problem of a 400, as the API's JSON gives it.
	Details any
	// RequestID is the API's x-request-id, to quote when reporting a problem.
	RequestID string
	// RetryAfter is how long the API asked to wait before trying again (Retry-After); 0 if it did not say.
	RetryAfter time.Duration
	err        error
}

func (e *Error) Error() string {
	where := ""
	if e.RequestID != "" {
		where = fmt.Sprintf(" (request %s)", e.RequestID)
	}
	if e.Status == 0 {
		return fmt.Sprintf("hookflow: %s: %s%s", e.Code, e.Message, where)
	}
	return fmt.Sprintf("hookflow: %d %s: %s%s", e.Status, e.Code, e.Message, where)
}

// Unwrap gives the cause of an error without an answer (a *net.OpError, a context deadline) or of a webhook not
// verified (the Standard Webhooks library's error).
func (e *Error) Unwrap() error {
	return e.err
}

func hasStatus(err error, statuses ...int) bool {
	var apiError *Error
	if !errors.As(err, &apiError) {
		return false
	}
	for _, status := range statuses {
		if apiError.Status == status {
			return true
		}
	}
	return false
}

func hasCode(err error, codes ...string) bool {
	var apiError *Error
	if !errors.As(err, &apiError) {
		return false
	}
	for _, code := range codes {
		if apiError.Status == 0 && apiError.Code == code {
			return true
		}
	}
	return false
}

// IsValidation: a 400, the request does not match the API's document; Details names each problem.
func IsValidation(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsAuthentication: a 401, a missing, unknown or revoked API key.
func IsAuthentication(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsPermission: a 403, the key may not do this (an owner key on an admin route, a read-only portal session).
func IsPermission(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsNotFound: a 404, no such resource, or not the key's owner's.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict: a 409, the request conflicts with what is stored (an id reused with other content).
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsUnprocessable: a 422, well-formed but refused (an unknown event type, data not matching its schema).
func IsUnprocessable(err error) bool { return hasStatus(err, http.StatusUnprocessableEntity) }

// IsRateLimited: a 429 that outlasted the client's retries.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsServiceUnavailable: a 503 that outlasted the client's retries; the API's store or Temporal is unreachable and
// nothing was written.
func IsServiceUnavailable(err error) bool { return hasStatus(err, http.StatusServiceUnavailable) }

// IsServerError: any 5xx.
func IsServerError(err error) bool {
	var apiError *Error
	return errors.As(err, &apiError) && apiError.Status >= 500
}

// IsConnection: no answer came (nothing listened, the connection was cut, or the attempt timed out), after the
// client's retries.
func IsConnection(err error) bool {
	return hasCode(err, codeNeverConnected, codeConnection, codeTimeout)
}

// IsTimeout: no answer within the client's timeout (WithTimeout), after the client's retries.
func IsTimeout(err error) bool { return hasCode(err, codeTimeout) }

// IsWebhookNotVerified: VerifyWebhook found the signature, timestamp or headers wrong; do not trust the body.
func IsWebhookNotVerified(err error) bool { return hasCode(err, codeWebhookNotVerified) }
