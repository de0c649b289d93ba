package hookflow_test

import (
	"context"
	"fmt"
	"os"

	hookflow "github.com/hookflow/hookflow-go"
)

// The README's example, compiled by go test (it has no output to check, so it is not run).
func Example() {
	ctx := context.Background()
	client := hookflow.New("http://127.0.0.1:3000", os.Getenv("HOOKFLOW_API_KEY"))
	event, err := client.Events.Create(ctx, hookflow.EventsCreateRequest{Type: "order.created", Data: map[string]any{"orderId": 42}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(event.ID)
	for delivery, err := range client.Deliveries.List(ctx, &hookflow.DeliveriesListParams{Status: "failed"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(delivery.ID, delivery.FailureReason)
	}
}
