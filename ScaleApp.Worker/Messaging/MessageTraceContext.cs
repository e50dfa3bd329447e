using System.Diagnostics;
using System.Text;

namespace ScaleApp.Worker.Messaging;

/// <summary>Reads the W3C trace context (<c>traceparent</c>, <c>tracestate</c>) from AMQP message headers.</summary>
internal static class MessageTraceContext
{
    /// <summary>
    /// Returns the publisher's span context from the headers, or <c>default</c> when the headers
    /// carry none or it cannot be parsed. AMQP delivers string headers as UTF-8 byte arrays.
    /// </summary>
    internal static ActivityContext Extract(IDictionary<string, object?>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return default;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(
            headers,
            static (carrier, fieldName, out fieldValue, out fieldValues) =>
            {
                fieldValues = null;
                fieldValue = carrier is IDictionary<string, object?> dictionary && dictionary.TryGetValue(fieldName, out var raw)
                    ? raw switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        string text => text,
                        _ => null,
                    }
                    : null;
            },
            out var traceParent,
            out var traceState);

        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    /// <summary>
    /// Chooses the parent for the span that processes a message. RabbitMQ.Client 7.2 already runs
    /// the consumer callback inside a "deliver" span whose parent is the publisher's span
    /// (<c>RabbitMQTracingOptions.UsePublisherAsParent</c>, on by default), so that span is used
    /// when it belongs to the message's trace. Otherwise (client tracing disabled or configured to
    /// link instead of parent) the context from the headers is used directly.
    /// </summary>
    internal static ActivityContext ChooseParent(Activity? current, ActivityContext fromHeaders)
    {
        if (current is null)
        {
            return fromHeaders;
        }

        if (fromHeaders == default || current.TraceId == fromHeaders.TraceId)
        {
            return current.Context;
        }

        return fromHeaders;
    }
}
