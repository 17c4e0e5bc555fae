package boost

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// pyXGB runs a Python script under Debian's /usr/bin/python3 with
// XGBoost 1.7.4, feeding in as JSON on stdin and decoding its JSON stdout
// into out. The test is skipped, with a message, when that Python or
// XGBoost is not installed.
func pyXGB(t *testing.T, script string, in, out any) {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("skipping XGBoost comparison: /usr/bin/python3 not found (apt-get install python3-xgboost)")
	}
	if err := exec.Command(py, "-c", "import xgboost").Run(); err != nil {
		t.Skip("skipping XGBoost comparison: python3-xgboost not installed (apt-get install python3-xgboost)")
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("python output: %v\n%s", err, res)
	}
}
