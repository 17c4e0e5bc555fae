package atomicfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
)

func Example() {
	dir, _ := os.MkdirTemp("", "atomicfile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "evaluation.json")

	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprintln(f, `{"regression_metrics": {"rmse": {"value": 31250.5}}}`)
	if err := f.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output: {"regression_metrics": {"rmse": {"value": 31250.5}}}
}
