/** An Alertmanager v4 webhook body with one firing alert, as a real Alertmanager posts it. */
export function firingBody(alert: {
  errorCode: string;
  target: string;
  summary: string;
  fingerprint: string;
}): string {
  return JSON.stringify({
    version: "4",
    status: "firing",
    receiver: "ai",
    groupKey: `{}:{error_code="${alert.errorCode}"}`,
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://am:9093",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "ServerErrorLogged", error_code: alert.errorCode, target: alert.target },
        annotations: { summary: alert.summary },
        startsAt: new Date().toISOString(),
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "",
        fingerprint: alert.fingerprint,
      },
    ],
  });
}
