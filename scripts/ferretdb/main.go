// Command ferretdb runs FerretDB v1 (SQLite backend) embedded, because
// `go install .../cmd/ferretdb@v1.24.0` is refused by the module proxy.
package main

import (
	"context"
	"flag"
	"log"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "data/", "SQLite data directory (must end with /)")
	flag.Parse()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Printf("FerretDB listening on %s", *listen)
	if err := f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
