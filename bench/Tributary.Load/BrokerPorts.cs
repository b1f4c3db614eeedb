namespace Tributary.Load;

/// <summary>Where bench/brokers.sh started the message systems, on 127.0.0.1.</summary>
internal sealed record BrokerPorts(int Nats, int Mqtt, int Redis);
