import { useEffect, useRef } from 'react';

type ECharts = { setOption(o: unknown, notMerge?: boolean): void; resize(): void; dispose(): void };

/** One ECharts chart; the library is imported on first use. */
export function Chart({ option, height = 260, theme, testId }: { option: unknown; height?: number; theme?: 'dark'; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    const onResize = () => chart.current?.resize();
    void import('./echarts-setup').then(({ echarts }) => {
      if (disposed || !el.current) return;
      chart.current = echarts.init(el.current, theme) as unknown as ECharts;
      chart.current.setOption(latest.current, true);
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return <div ref={el} className="dash-chart" style={{ height }} data-testid={testId} />;
}
