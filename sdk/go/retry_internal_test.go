package hookflow

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterReadsSecondsAndHTTPDates(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for header, want := range map[string]time.Duration{
		"3":   3 * time.Second,
		" 0 ": 0,
		now.Add(7 * time.Second).Format(http.TimeFormat): 7 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):    0,
		"":     0,
		"soon": 0,
	} {
		if got := parseRetryAfter(header, now); got != want {
			t.Errorf("Retry-After %q: %v, not %v", header, got, want)
		}
	}
}

func TestRetryDelayHonoursRetryAfterUpToTheLongestWait(t *testing.T) {
	if delay, ok := retryDelay(0, 2*time.Second, time.Minute); !ok || delay != 2*time.Second {
		t.Errorf("Retry-After 2 s: %v, %v", delay, ok)
	}
	if _, ok := retryDelay(0, 2*time.Minute, time.Minute); ok {
		t.Error("a Retry-After longer than the longest wait is waited for")
	}
	for retry, longest := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second} {
		if delay, ok := retryDelay(retry, 0, time.Minute); !ok || delay < longest/2 || delay > longest {
			t.Errorf("backoff before retry %d: %v, not within %v to %v", retry, delay, longest/2, longest)
		}
	}
}
