/** The 一网通办 appointments and queue's field reasons in Chinese (see field-reasons.ts). */
type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

export const QUEUE_REASONS_ZH: Pattern[] = [
  [/^a self-service point takes no appointments$/, '自助服务点不接受预约'],
  [/^the day has passed$/, '日期已过'],
  [/^bookings open (\d+) days ahead$/, (m) => `只能预约 ${m[1]} 天内的时段`],
  [/^no session at this time on this day$/, '该日此时段不开放'],
  [/^this session takes no bookings$/, '该时段不接受预约'],
  [/^the session has begun$/, '该时段已开始，不能再预约'],
  [/^already booked at this point on this day$/, '该手机号当天在此服务点已有预约'],
  [/^the session is fully booked$/, '该时段已约满'],
  [/^a record is linked when the service finishes$/, '办结叫号时才能关联办件'],
  [/^no such record at this point$/, '该服务点没有这条办件'],
  [/^the record belongs to another ticket$/, '该办件已关联其他号码'],
  [/^the record is for another item$/, '该办件办理的是其他事项'],
  [/^the record is of another booking$/, '该办件属于另一条预约'],
  [/^the booking was marked a no-show$/, '该预约已记为爽约，请按现场取号办理'],
  [/^the booking is for another day$/, '该预约不是今天的'],
  [/^the grace period after the booked slot has passed$/, '该预约时段已过签到宽限时间，请按现场取号办理'],
  [/^the booking was cancelled or marked a no-show meanwhile$/, '该预约刚被取消或记为爽约，请刷新后再办理'],
  [/^must not be after to$/, '开始日期不能晚于结束日期'],
  [/^at most (\d+) days$/, (m) => `最多 ${m[1]} 天`],
  [/^must be a whole number from (\d+) to (\d+)$/, (m) => `须为 ${m[1]} 至 ${m[2]} 之间的整数`],
  [/^not a mobile number/, '不是有效的手机号码（1 开头的 11 位数字）'],
  [/^a ticket prefix is one or two capital letters$/, '号码前缀为一至两个大写字母'],
  [/^not a booking code$/, '不是有效的预约码'],
];
