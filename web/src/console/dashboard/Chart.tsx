import { useEffect, useRef } from 'react';
import { CJK_FONT_STACK, loadGlyphsFor } from './chart-font';

type ECharts = { setOption(o: unknown, notMerge?: boolean): void; resize(): void; dispose(): void };

/** Chart text in the page's font stack (ECharts would draw its own default, without CJK on some machines). */
const withFont = (option: unknown) => ({ textStyle: { fontFamily: CJK_FONT_STACK }, ...(option as object) });

/** One ECharts chart; the library is imported on first use. Redrawn once the glyphs its text needs are loaded. */
export function Chart({ option, height = 260, theme, testId }: { option: unknown; height?: number; theme?: 'dark'; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    const onResize = () => chart.current?.resize();
    // The box, not only the window: on the wall a chart fills its panel, which moves as the figures above it load.
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(onResize);
    void import('./echarts-setup').then(({ echarts }) => {
      if (disposed || !el.current) return;
      chart.current = echarts.init(el.current, theme) as unknown as ECharts;
      draw(latest.current);
      window.addEventListener('resize', onResize);
      observer?.observe(el.current);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    draw(option);
  }, [option]);

  function draw(o: unknown) {
    chart.current?.setOption(withFont(o), true);
    void loadGlyphsFor(JSON.stringify(o)).then(() => {
      if (latest.current === o) chart.current?.setOption(withFont(o), true);
    });
  }

  return <div ref={el} className="dash-chart" style={{ height }} data-testid={testId} />;
}
