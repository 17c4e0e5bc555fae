package local_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// A server answers text/csv rows with one prediction per line, and a
// malformed row with 400 and a message naming it. Here the model is a
// Go predictor (the sum of a row's features) bound with ServeOptions.Load;
// without one, LoadBoost serves the XGBoost model in model.tar.gz. Serve
// runs the same handler on a listener until its context is done.
func ExampleNewServer() {
	root, err := os.MkdirTemp("", "serve-example-*")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)
	ctx := context.Background()
	weights := filepath.Join(root, "weights.txt")
	if err := os.WriteFile(weights, []byte("1 1 1"), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	if err := local.Stage(root, weights, "s3://bucket/model/weights.txt"); err != nil {
		fmt.Println(err)
		return
	}
	reg := local.OpenRegistry(root)
	pkg, err := reg.Register(ctx, local.ModelPackage{GroupName: "sums", ApprovalStatus: local.Approved,
		InferenceSpecification: local.InferenceSpecification{Containers: []local.Container{{Image: "sum",
			ModelDataURL: "s3://bucket/model/weights.txt"}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	load := func(ctx context.Context, c local.Container, dir string) (local.Predictor, error) {
		return sumPredictor{}, nil
	}
	srv, err := local.NewServer(ctx, reg, pkg, local.ServeOptions{Load: load})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, body := range []string{"1,2,3\n4,5,6\n", "1,2,3\n4,x,6\n"} {
		req := httptest.NewRequest(http.MethodPost, "/invocations", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/csv")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		fmt.Printf("%d %s", w.Code, w.Body)
	}
	// Output:
	// 200 6
	// 15
	// 400 local: bad inference input: row 2: field 2: "x" is not a number
}
