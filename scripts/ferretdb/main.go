// Command ferretdb runs FerretDB v1 embedded, on SQLite or on PostgreSQL,
// because `go install .../cmd/ferretdb@v1.24.0` is refused by the module proxy.
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
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL connection string; when set, used instead of SQLite")
	flag.Parse()

	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir,
	}
	if *postgresqlURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresqlURL
		config.SQLiteURL = ""
	}

	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Printf("FerretDB (%s) listening on %s", config.Handler, *listen)
	if err := f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
