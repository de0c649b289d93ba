package hookflow

import (
	"net/http"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

const codeWebhookNotVerified = "webhook_not_verified"

// VerifyOption changes what VerifyWebhook checks.
type VerifyOption func(*verifyOptions)

type verifyOptions struct {
	ignoreTimestamp bool
}

// IgnoringTimestamp checks the signature alone, for a request saved earlier: without it a request signed more than
// five minutes ago (or ahead) is refused, as Standard Webhooks asks of a receiver, so that a captured request
// cannot be played again later.
func IgnoringTimestamp() VerifyOption {
	return func(o *verifyOptions) { o.ignoreTimestamp = true }
}

// VerifyWebhook checks a webhook Hookflow sent (its webhook-id, webhook-timestamp and webhook-signature headers, per
// Standard Webhooks) against the hook's signing secret ("whsec_..."), with the Standard Webhooks library. body must
// be the raw body as received, before any JSON decoding. It returns nil when the request is Hookflow's, and an
// *Error for which IsWebhookNotVerified holds otherwise.
func VerifyWebhook(secret string, headers http.Header, body []byte, options ...VerifyOption) error {
	var verify verifyOptions
	for _, option := range options {
		option(&verify)
	}
	webhook, err := standardwebhooks.NewWebhook(secret)
	if err == nil {
		if verify.ignoreTimestamp {
			err = webhook.VerifyIgnoringTimestamp(body, headers)
		} else {
			err = webhook.Verify(body, headers)
		}
	}
	if err != nil {
		return &Error{Code: codeWebhookNotVerified, Message: "webhook not verified: " + err.Error(), err: err}
	}
	return nil
}
