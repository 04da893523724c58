// Command ecship is the open postal shipping platform: run `ecship serve` for the portal and APIs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ecship/ecship/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
