package local_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sagepipe/sagepipe/pipeline/local"
)

// chromium returns the headless browser to test the report with, or skips
// the test when none is installed (and fails it under CI, where .ci/install
// installs Debian's chromium).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; .ci/install installs it (Debian package chromium)")
	}
	t.Skip("chromium is not installed (apt-get install chromium, or run .ci/install): the report is not checked in a browser")
	return ""
}

// chromiumConsoleLine matches a console message in Chromium's log.
var chromiumConsoleLine = regexp.MustCompile(`CONSOLE[^\]]*\] (.*)`)

// browseChromium opens url in headless Chromium and returns the DOM after its
// scripts ran, the console messages and script errors it logged, and a
// screenshot of the window.
func browseChromium(t *testing.T, bin, url string) (dom string, console []string, shot []byte) {
	t.Helper()
	dir := t.TempDir()
	shotPath := filepath.Join(dir, "screenshot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", "--hide-scrollbars", "--window-size=1400,2000",
		"--screenshot="+shotPath, "--dump-dom", url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium on %s: %v\n%s", url, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if m := chromiumConsoleLine.FindStringSubmatch(line); m != nil {
			console = append(console, m[1])
		} else if strings.Contains(line, "Uncaught") {
			console = append(console, line)
		}
	}
	shot, err := os.ReadFile(shotPath)
	if err != nil {
		t.Fatalf("chromium on %s wrote no screenshot: %v\n%s", url, err, stderr.String())
	}
	return stdout.String(), console, shot
}

// serializeDOMText escapes text as the HTML serialisation of a text node
// does, as in Chromium's --dump-dom output.
var serializeDOMText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\u00a0", "&nbsp;").Replace

// The report of a realistic execution (succeeded, failed, cached, not-run
// and retried steps, metric series, hostile names) renders in Chromium:
// every step name is shown as text, the page's script runs without error
// and opens the section the URL points at, and nothing a record holds runs
// as script.
func TestReportInChromium(t *testing.T) {
	bin := findChromium(t)
	g, e := fixturePipeline().Graph(), fixtureExecution()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := local.WriteReportFile(path, g, e); err != nil {
		t.Fatal(err)
	}
	dom, console, shot := browseChromium(t, bin, "file://"+path+"#step-1")

	if len(console) > 0 {
		t.Errorf("the page logged to the console:\n%s", strings.Join(console, "\n"))
	}
	if !strings.Contains(dom, `<html lang="en" data-ready="">`) {
		t.Errorf("the page's script did not run to its end")
	}
	if !regexp.MustCompile(`<details class="step cached" id="step-1" open(="")?>`).MatchString(dom) {
		t.Errorf("the section named by the URL (#step-1) was not opened")
	}
	if n := strings.Count(dom, "<script"); n != 1 {
		t.Errorf("the rendered page has %d scripts, want only its own", n)
	}
	if strings.Contains(dom, "<img") {
		t.Errorf("an image element from the record reached the DOM")
	}
	for _, n := range g.Nodes {
		want := `<span class="step-name">` + serializeDOMText(n.Step.Name()) + `</span>`
		if !strings.Contains(dom, want) {
			t.Errorf("step %q is not shown: the DOM lacks %s", n.Step.Name(), want)
		}
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if w := img.Bounds().Dx(); w != 1400 {
		t.Errorf("screenshot is %d pixels wide, want 1400", w)
	}
	colours := map[[3]uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("the screenshot has %d colours: the page did not render", len(colours))
	}
	if dst := os.Getenv("SAGEPIPE_REPORT_SCREENSHOT"); dst != "" {
		if err := os.WriteFile(dst, shot, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// The console check above sees script errors: a page whose script throws
// is caught.
func TestChromiumConsoleCheckSeesErrors(t *testing.T) {
	bin := findChromium(t)
	path := filepath.Join(t.TempDir(), "broken.html")
	page := `<!DOCTYPE html><html><body><p>broken</p><script>noSuchFunction();</script></body></html>`
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	_, console, _ := browseChromium(t, bin, "file://"+path)
	if len(console) == 0 || !strings.Contains(strings.Join(console, "\n"), "noSuchFunction") {
		t.Errorf("a script error was not seen; console: %q", console)
	}
}
