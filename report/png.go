package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// maxChartUnits bounds the bars of the chart; the worst units are shown.
const maxChartUnits = 30

// WritePNG draws a horizontal stacked bar chart of the red, yellow and
// green commitments of each unit (the worst 30), worst at the top, with
// the font embedded in duban (see EmbeddedFont; a system font only for
// characters it lacks). When no font draws every label it returns a
// *MissingGlyphsError and draws nothing: a chart with empty boxes is never
// sent.
func (r *Report) WritePNG(out io.Writer) error {
	return r.writePNG(out, os.Getenv)
}

func (r *Report) writePNG(out io.Writer, getenv func(string) string) error {
	w := wordsFor(r.Lang)
	units := r.Units
	if len(units) > maxChartUnits {
		units = units[:maxChartUnits]
	}
	n := max(len(units), 1)
	names := make([]string, n)
	reds, yellows, greens := make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n)
	if len(units) == 0 {
		names[0] = w.pick("无承诺事项", "no commitments")
	}
	for i, u := range units {
		j := n - 1 - i // the worst unit at the top
		names[j] = clip(w.unit(u.Name), 16)
		reds[j], yellows[j], greens[j] = float64(u.Cur.Red), float64(u.Cur.Yellow), float64(u.Cur.Green)
	}

	title := w.pick(fmt.Sprintf("各单位红黄绿灯 %s（%s）", w.monthTitle(r.Month), w.asOfShort(r)),
		fmt.Sprintf("Lights by unit, %s (%s)", w.monthTitle(r.Month), w.asOfShort(r)))
	if len(r.Units) > maxChartUnits {
		title += w.pick(fmt.Sprintf("，红灯最多的 %d 个单位", maxChartUnits), fmt.Sprintf(", the %d worst units", maxChartUnits))
	}
	// Each bar ends with its counts, named: 红 2  绿 3.
	counts := make([]string, n)
	for i := range names {
		counts[i] = barLabel(w, int(reds[i]), int(yellows[i]), int(greens[i]))
	}
	legend := []string{w.pick("红灯", "red"), w.pick("黄灯", "yellow"), w.pick("绿灯", "green")}
	xLabel := w.pick("事项数", "commitments")
	labels := append(append(append([]string{title, xLabel, "0123456789"}, legend...), names...), counts...)
	face, err := chartFont(labels, getenv)
	if err != nil {
		return err
	}
	typeface := font.Font{Typeface: "duban-cjk"}
	hdlr := text.Plain{Fonts: font.NewCache(font.Collection{{Font: typeface, Face: face}})}

	p := plot.New()
	p.TextHandler = hdlr
	for _, s := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		s.Handler = hdlr
		s.Font = font.From(typeface, s.Font.Size)
	}
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.X.Label.Text = xLabel
	p.X.Tick.Marker = intTicks{}
	p.X.Tick.Label.Font.Size = vg.Points(10)
	p.Y.Tick.Label.Font.Size = vg.Points(11)
	p.Legend.TextStyle.Font.Size = vg.Points(11)
	p.X.Min = 0
	bar := vg.Points(20)
	var prev *plotter.BarChart
	for _, s := range []struct {
		vals  plotter.Values
		col   color.Color
		label string
	}{
		{reds, color.RGBA{0xd9, 0x30, 0x25, 0xff}, legend[0]},
		{yellows, color.RGBA{0xf2, 0xb7, 0x05, 0xff}, legend[1]},
		{greens, color.RGBA{0x2e, 0x9e, 0x44, 0xff}, legend[2]},
	} {
		b, err := plotter.NewBarChart(s.vals, bar)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		b.Horizontal = true
		b.Color = s.col
		b.LineStyle.Width = 0
		if prev != nil {
			b.StackOn(prev)
		}
		p.Add(b)
		p.Legend.Add(s.label, b)
		prev = b
	}
	xys := make(plotter.XYs, n)
	for i := range names {
		xys[i] = plotter.XY{X: reds[i] + yellows[i] + greens[i], Y: float64(i)}
	}
	barLabels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: counts})
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	for i := range barLabels.TextStyle {
		barLabels.TextStyle[i].Handler = hdlr
		barLabels.TextStyle[i].Font = font.From(typeface, vg.Points(10))
		barLabels.TextStyle[i].YAlign = draw.YCenter
	}
	barLabels.Offset = vg.Point{X: vg.Points(4)}
	p.Add(barLabels)
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(2)
	p.NominalY(names...)
	// Room on the right for the bar labels and the legend.
	p.X.Max = max(p.X.Max*1.45, 4)
	height := vg.Points(float64(110 + 30*n))
	c := vgimg.NewWith(vgimg.UseWH(vg.Points(720), height), vgimg.UseDPI(144))
	pad := vg.Points(10)
	p.Draw(draw.Crop(draw.New(c), pad, -pad, pad/2, -pad))
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(out); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

// barLabel names the counts at the end of a unit's bar, leaving out the
// lights it has none of: 红 2  绿 3, or 0 when it has none.
func barLabel(w words, red, yellow, green int) string {
	var parts []string
	for _, c := range []struct {
		n      int
		zh, en string
	}{{red, "红", "red"}, {yellow, "黄", "yellow"}, {green, "绿", "green"}} {
		if c.n > 0 {
			parts = append(parts, w.pick(fmt.Sprintf("%s %d", c.zh, c.n), fmt.Sprintf("%d %s", c.n, c.en)))
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, w.pick("  ", ", "))
}

// intTicks marks the count axis at whole numbers only: steps of 1, 2, 5,
// 10, 20, 50 … chosen for at most 8 marks.
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	lo, hi = math.Ceil(max(lo, 0)), math.Floor(hi)
	step := 1.0
	for i := 0; (hi-lo)/step > 8; i++ {
		step *= []float64{2, 2.5, 2}[i%3] // 1, 2, 5, 10, 20, 50, …
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}
