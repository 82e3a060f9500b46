package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"duban/store/storetest"
)

// TestImportMemory imports a generated CSV of DUBAN_IMPORT_MEM_MB
// megabytes (skipped when unset) in a child process, on each backend, and
// checks that its peak resident memory stays within 5× the file's size
// (SPEC §12). Run:
//
//	DUBAN_IMPORT_MEM_MB=40 go test ./cmd/duban -run TestImportMemory -v
func TestImportMemory(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("DUBAN_IMPORT_MEM_MB"))
	if mb == 0 {
		t.Skip("set DUBAN_IMPORT_MEM_MB=40 to run")
	}
	bin := filepath.Join(t.TempDir(), "duban")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	csv := filepath.Join(t.TempDir(), "big.csv")
	size := writeBigCSV(t, csv, mb<<20)
	contacts := writeFile(t, "c.yaml", contactsYAML)
	for _, b := range storetest.Backends {
		t.Run(b, func(t *testing.T) {
			url := storetest.URL(t, b)
			if out, err := exec.Command(bin, "--db", url, "import", contacts).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			cmd := exec.Command(bin, "--db", url, "import", csv)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			t.Logf("%s: file %d bytes, peak RSS %d bytes = %.2f× the file", b, size, rss, float64(rss)/float64(size))
			if rss > 5*size {
				t.Errorf("peak RSS %d is more than 5× the file (%d)", rss, size)
			}
		})
	}
}

// writeBigCSV writes commitments until the file has n bytes.
func writeBigCSV(t *testing.T, path string, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	size, _ := w.WriteString("\ufeffkey,source,title,category,unit,owners,due,due_precision,target,detail\n")
	units := []string{"国家试验区管委会办公室", "市生态环境局", "市城管局", "昌江区人民政府", "珠山区人民政府"}
	for i := 0; size < n; i++ {
		k, _ := fmt.Fprintf(w, "k%d,,昌南大道南侧废瓷清运及凤岗村垃圾填埋场绿化修复第%d项,cleanup,%s,zhang-guobin,2024/6/30,,清运到位,"+
			"加强日常巡查整治，积极开展打击随意倾倒陶瓷固废的行为，通过不间断巡查、定点驻守、夜间蹲守等方式及时查处%d\n", i, i, units[i%5], i)
		size += k
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return int64(size)
}
