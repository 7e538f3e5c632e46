package dev.apiguard.keycloak.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * IP address literals: parsed without name resolution, aggregated to the prefix a rule counts by
 * (IPv4 /24, IPv6 /64) and matched against allow-list CIDR blocks.
 */
final class Addresses {

    private Addresses() {}

    /** A CIDR block: the network's bytes (4 or 16) and the prefix length. */
    record Cidr(byte[] network, int prefix) {

        /** Whether this (IPv4) block holds the IPv4 address {@code bits} (see {@link Addresses#ipv4Bits}). */
        boolean containsIpv4(long bits) {
            if (network.length != 4) {
                return false;
            }
            long net = ((network[0] & 0xffL) << 24)
                    | ((network[1] & 0xff) << 16)
                    | ((network[2] & 0xff) << 8)
                    | (network[3] & 0xff);
            long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            return (bits & mask) == (net & mask);
        }

        boolean contains(byte[] address) {
            if (address == null || address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int bits = prefix % 8;
            if (bits == 0) {
                return true;
            }
            int mask = (0xff << (8 - bits)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    /**
     * Parses {@code "192.0.2.0/24"}, {@code "2001:db8::/32"} or a single address; {@code null}
     * with the reason in {@code problem[0]} when it is not one.
     */
    static Cidr cidr(String text, String[] problem) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = parse(address);
        if (bytes == null) {
            problem[0] = "\"" + text + "\" is not an IPv4 or IPv6 address or CIDR block";
            return null;
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                problem[0] = "\"" + text + "\": the prefix length must be 0 to " + max;
                return null;
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** The bytes of an IPv4 or IPv6 literal, or {@code null}; never a DNS lookup. */
    static byte[] parse(String literal) {
        if (literal == null || literal.isEmpty()) {
            return null;
        }
        if (literal.indexOf(':') < 0) {
            return ipv4(literal);
        }
        String text =
                literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                // Not a literal (zone ids and host names included): InetAddress would resolve it.
                return null;
            }
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            // A colon-and-hex string that is no IPv6 literal.
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        long bits = ipv4Bits(text);
        if (bits < 0) {
            return null;
        }
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /**
     * The 32 bits of a dotted-quad IPv4 literal (four decimal parts, 0 to 255), or -1 when
     * {@code text} is not one; no allocation (the decision path parses every request's address).
     */
    static long ipv4Bits(String text) {
        long bits = 0;
        int part = 0;
        int value = -1;
        int length = text.length();
        for (int i = 0; i <= length; i++) {
            char c = i == length ? '.' : text.charAt(i);
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return -1;
                }
                bits = (bits << 8) | value;
                part++;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return part == 4 ? bits : -1;
    }

    /** The bucket key of an IPv4 address given as {@link #ipv4Bits}: {@code "192.0.2.0/24"}. */
    static String aggregateIpv4(long bits) {
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + ".0/24";
    }

    /**
     * The bucket key of an address: {@code "192.0.2.0/24"} for IPv4, {@code "2001:db8:0:1::/64"}
     * style (hex of the first 8 bytes) for IPv6; an unparsable address counts as itself.
     */
    static String aggregate(String literal, byte[] bytes) {
        if (bytes == null) {
            return literal;
        }
        if (bytes.length == 4) {
            return aggregateIpv4(((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8));
        }
        if (bytes.length == 16) {
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return literal;
    }
}
