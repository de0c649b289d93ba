package hookflow_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	hookflow "github.com/hookflow/hookflow-go"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// A request saved an hour ago: refused as too old, unless only its signature is checked.
func TestSavedWebhookVerifiesIgnoringTimestampOnly(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"type":"project.created","data":{"n":1}}`)
	signer, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	signedAt := time.Now().Add(-time.Hour)
	signature, err := signer.Sign("msg_saved", signedAt, body)
	if err != nil {
		t.Fatal(err)
	}
	headers := http.Header{}
	headers.Set("webhook-id", "msg_saved")
	headers.Set("webhook-timestamp", strconv.FormatInt(signedAt.Unix(), 10))
	headers.Set("webhook-signature", signature)

	if err := hookflow.VerifyWebhook(secret, headers, body); !hookflow.IsWebhookNotVerified(err) {
		t.Fatalf("an hour-old request verified with its timestamp checked: %v", err)
	}
	if err := hookflow.VerifyWebhook(secret, headers, body, hookflow.IgnoringTimestamp()); err != nil {
		t.Fatalf("an hour-old request does not verify by its signature: %v", err)
	}
	headers.Set("webhook-id", "msg_relabelled")
	if err := hookflow.VerifyWebhook(secret, headers, body, hookflow.IgnoringTimestamp()); !hookflow.IsWebhookNotVerified(err) {
		t.Fatalf("a relabelled id verified: %v", err)
	}
}
