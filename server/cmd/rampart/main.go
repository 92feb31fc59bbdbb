// Command rampart runs and administers the Rampart KYC service.
//
//	rampart serve [--listen :8080] [--database URL] [--master-key B64] [--demo]
//	rampart migrate up|down|version|force-unlock
//	rampart partner create --name N --origin O [--origin O2] [--webhook-url U] [--test]
//	rampart partner rotate-token --partner-id ID [--grace 24h]
//	rampart audit export [--since T] [--until T] [--actor A] [--action A] [--partner ID] [--case ID]
//
// Every subcommand reads the database from --database or RAMPART_DATABASE_URL.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `rampart — identity verification for the on-ramp widget

Commands:
  serve                       run the server (gRPC, Connect, gRPC-Web, REST on one port)
  migrate up|down|version|force-unlock
  partner create              register a partner (prints partner_id, widget_id, client_token, webhook_secret)
  partner rotate-token        issue a new client token; old ones work for a grace period
  operator token|revoke       issue a review token for the ReviewService (at most 24h); revoke by --name or --token
  keys generate|rotate        new master key; re-wrap every sealed blob under the current key
  webhook redeliver|rotate-secret|list   resend events (--event-id, or --partner-id + --since); rotate the signing secret
  audit export                the audit log as CSV on stdout (--since, --until, --actor, --action, --partner, --case)

Run "rampart COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rampart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command")
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:])
	case "migrate":
		return migrateCmd(ctx, args[1:])
	case "partner":
		return partnerCmd(ctx, args[1:])
	case "operator":
		return operatorCmd(ctx, args[1:])
	case "keys":
		return keysCmd(ctx, args[1:])
	case "webhook":
		return webhookCmd(ctx, args[1:])
	case "audit":
		return auditCmd(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
