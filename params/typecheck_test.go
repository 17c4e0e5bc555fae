package params

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestTypedInputsRefused builds testdata/mismatch, which passes a Float
// value and a Float parameter where an Input[string] is required, and checks
// that the Go compiler refuses exactly those two lines.
func TestTypedInputsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.Command(gobin, "build", "-gcflags=-e", "-o", os.DevNull, "./testdata/mismatch").CombinedOutput()
	if err == nil {
		t.Fatalf("testdata/mismatch compiled; it must not:\n%s", out)
	}
	text := string(out)
	t.Logf("compiler output:\n%s", text)
	for _, want := range []string{
		"main.go:12:14: cannot use threshold.Value() (value of struct type params.Value[float64]) as params.Input[string] value",
		"main.go:13:14: cannot use threshold (variable of type *params.Param[float64]) as params.Input[string] value",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("compiler output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "main.go:14") {
		t.Errorf("the ToString line was refused:\n%s", text)
	}
}
