// Package hookflow is the Go client of the Hookflow API: one method per operation, grouped by resource
// (client.Hooks.Create, client.Deliveries.List, client.Replays.Recover), with retries that honour Retry-After,
// idempotency keys for event posts, typed errors, iterators across pages and webhook verification.
//
//	client := hookflow.New("https://hooks.example.com", os.Getenv("HOOKFLOW_API_KEY"))
//	event, err := client.Events.Create(ctx, hookflow.EventsCreateRequest{Type: "order.paid", Data: map[string]any{"id": 7}})
//
// The types and resource methods (zz_generated_*.go) are generated from the API's OpenAPI document by
// `npm run sdk:generate`; the client, transport, errors, pagination and webhook verification are written by hand.
package hookflow
