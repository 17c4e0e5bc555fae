package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// serveModel serves the registered package at addr with the XGBoost
// container's protocol (predictions and SHAP contributions, as the seed's
// inference script answers) until ctx is done, which is a normal end.
// The package is still PendingManualApproval, which SageMaker would not
// deploy; serving it here is for trying it out.
func serveModel(ctx context.Context, w io.Writer, workdir, addr string, pkg *registered) error {
	if pkg == nil {
		return errors.New("-serve: the run registered no model")
	}
	reg := local.OpenRegistry(workdir)
	srv, err := local.NewServer(ctx, reg, pkg.ModelPackage, local.ServeOptions{
		Contributions: true, AllowUnapproved: true,
	})
	if err != nil {
		return fmt.Errorf("-serve: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-serve: %w", err)
	}
	fmt.Fprintf(w, "\nserving %s version %d (%s) at http://%s/invocations \n  (text/csv rows of the eight features as PreprocessData scales them, PRICE left out; Ctrl-C stops)\n",
		pkg.GroupName, pkg.Version, pkg.ApprovalStatus, ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil && ctx.Err() == nil {
		return fmt.Errorf("-serve: %w", err)
	}
	fmt.Fprintln(w, "server stopped")
	return nil
}
