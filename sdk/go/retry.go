package hookflow

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	firstDelay      = 500 * time.Millisecond
	longestBackoff  = 8 * time.Second
	maxBackoffShift = 4 // 500 ms << 4 = 8 s
)

// retryDelay is the wait before retry number retry (0 for the first): what Retry-After asked for, or exponential
// backoff with jitter (half to all of 0.5 s, 1 s, 2 s, ... up to 8 s) so that many clients do not come back at
// once. Not ok when the server asked for longer than maxDelay: better to fail now than to hang.
func retryDelay(retry int, retryAfter, maxDelay time.Duration) (time.Duration, bool) {
	if retryAfter > 0 {
		return retryAfter, retryAfter <= maxDelay
	}
	backoff := min(longestBackoff, firstDelay<<min(retry, maxBackoffShift))
	return min(maxDelay, backoff/2+rand.N(backoff/2+1)), true
}

// parseRetryAfter reads Retry-After in either of its forms (delay-seconds or an HTTP date); 0 if absent or bad.
func parseRetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	if seconds, err := strconv.Atoi(header); err == nil && seconds >= 0 {
		return time.Duration(seconds) * time.Second
	}
	if date, err := http.ParseTime(header); err == nil && date.After(now) {
		return date.Sub(now).Round(time.Second)
	}
	return 0
}
