package main

import (
	"bytes"
	"strings"
	"testing"
)

// A reference figure (budget 0, the floor program's CPU) is shown but never fails the run;
// a budgeted one over its budget does.
func TestTable_ReferenceRowIsNotJudged(t *testing.T) {
	byID := func(id string) figure {
		for _, f := range figures {
			if f.ID == id {
				return f
			}
		}
		t.Fatalf("no figure %s", id)
		return figure{}
	}
	ref := newRow(byID("F0"), result{values: []float64{22, 23, 24}})
	f1 := newRow(byID("F1"), result{values: []float64{1.2, 1.3, 1.4}})
	if !ref.Pass || f1.Pass {
		t.Errorf("pass: F0 %v (want true), F1 at 1.3× %v (want false)", ref.Pass, f1.Pass)
	}
	var out bytes.Buffer
	if err := printMarkdown(&out, report{Rows: []row{ref, f1}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| F0 | ", "| 23.0 ms | 22.0 ms – 24.0 ms | — | reference |", "| F1 | ", "| ≤ 1.10× | FAIL |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// The budgets of issue #10, with P2 and P3 as issue #19 set them and its F1i.
func TestFigures_Budgets(t *testing.T) {
	want := map[string]float64{"F1": 1.1, "F1i": 2.6, "P1": 1.0, "P2": 13, "P3": 14.1, "P4": 1.0}
	for _, f := range figures {
		if b, ok := want[f.ID]; ok && f.Budget != b {
			t.Errorf("%s budget %v, want %v", f.ID, f.Budget, b)
		}
	}
}

// callgrind's summary line, as valgrind 3.19 prints it, gives the instructions executed.
func TestIrTotal_ReadsCallgrindsSummary(t *testing.T) {
	log := []byte("==30377== Events    : Ir\n==30377== Collected : 8170711\n==30377== \n==30377== I   refs:      8,170,711\n")
	if n, err := irTotal(log); err != nil || n != 8170711 {
		t.Errorf("%v %v, want 8170711", n, err)
	}
	if _, err := irTotal([]byte("==1== valgrind: failed to start tool\n")); err == nil {
		t.Error("no summary: want an error")
	}
}
