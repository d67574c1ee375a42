import { emit, point } from './sink.ts';

class Metric {
  constructor(
    readonly name: string,
    type: string,
    isTime = false,
  ) {
    emit({ type: 'Metric', data: { name, type, contains: isTime ? 'time' : 'default', thresholds: [], submetrics: null }, metric: name });
  }

  add(value: number, tags?: Record<string, string>): void {
    point(this.name, value, tags);
  }
}

export class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'trend', isTime);
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
