package report

import (
	"fmt"
	"image/color"
	"io"
	"os"

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
// green commitments of each unit (the worst 30), worst at the top, with a
// CJK font (see FindFont). Without one it draws with gonum's Latin font
// and logs a warning: Chinese names then do not render.
func (r *Report) WritePNG(out io.Writer) error {
	return r.writePNG(out, os.Getenv)
}

func (r *Report) writePNG(out io.Writer, getenv func(string) string) error {
	w := wordsFor(r.Lang)
	hdlr := plot.DefaultTextHandler
	typeface := plot.DefaultFont
	face, path, err := FindFont(getenv)
	switch {
	case err != nil:
		r.log.Warn("report chart: cannot load the CJK font; Chinese will not render", "path", path, "error", err)
	case face == nil:
		r.log.Warn("report chart: no CJK font found; Chinese will not render (install fonts-wqy-microhei or fonts-noto-cjk, or set " + FontEnv + ")")
	default:
		typeface = font.Font{Typeface: "duban-cjk"}
		hdlr = text.Plain{Fonts: font.NewCache(font.Collection{{Font: typeface, Face: face}})}
	}

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

	p := plot.New()
	p.TextHandler = hdlr
	for _, s := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		s.Handler = hdlr
		s.Font = font.From(typeface, s.Font.Size)
	}
	title := w.pick(fmt.Sprintf("各单位红黄绿灯 %s（截至 %s 24:00）", r.Month, r.Month.LastDay()),
		fmt.Sprintf("Lights by unit, %s (as of %s 24:00)", r.Month, r.Month.LastDay()))
	if len(r.Units) > maxChartUnits {
		title += w.pick(fmt.Sprintf("，红灯最多的 %d 个单位", maxChartUnits), fmt.Sprintf(", the %d worst units", maxChartUnits))
	}
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.X.Label.Text = w.pick("事项数", "commitments")
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
		{reds, color.RGBA{0xd9, 0x30, 0x25, 0xff}, w.pick("红灯", "red")},
		{yellows, color.RGBA{0xf2, 0xb7, 0x05, 0xff}, w.pick("黄灯", "yellow")},
		{greens, color.RGBA{0x2e, 0x9e, 0x44, 0xff}, w.pick("绿灯", "green")},
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
	// Each bar ends with its counts, red/yellow/green.
	xys := make(plotter.XYs, n)
	counts := make([]string, n)
	for i := range names {
		xys[i] = plotter.XY{X: reds[i] + yellows[i] + greens[i], Y: float64(i)}
		counts[i] = fmt.Sprintf("%d/%d/%d", int(reds[i]), int(yellows[i]), int(greens[i]))
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: counts})
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Handler = hdlr
		labels.TextStyle[i].Font = font.From(typeface, vg.Points(10))
		labels.TextStyle[i].YAlign = draw.YCenter
	}
	labels.Offset = vg.Point{X: vg.Points(4)}
	p.Add(labels)
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(2)
	p.NominalY(names...)
	// Room on the right for the legend.
	p.X.Max = max(p.X.Max*1.25, 1)
	height := vg.Points(float64(110 + 30*n))
	c := vgimg.NewWith(vgimg.UseWH(vg.Points(720), height), vgimg.UseDPI(144))
	pad := vg.Points(10)
	p.Draw(draw.Crop(draw.New(c), pad, -pad, pad/2, -pad))
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(out); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}
