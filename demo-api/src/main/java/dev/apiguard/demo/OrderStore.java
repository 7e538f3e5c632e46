package dev.apiguard.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's orders, in memory, at most {@value #MAX_ORDERS}. */
final class OrderStore {

    static final int MAX_ORDERS = 1000;

    record Order(long id, String item, int quantity, String createdBy, Instant createdAt) {
        Map<String, Object> json() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", id);
            map.put("item", item);
            map.put("quantity", quantity);
            map.put("createdBy", createdBy);
            map.put("createdAt", createdAt.toString());
            return map;
        }
    }

    private final ConcurrentSkipListMap<Long, Order> orders = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    OrderStore() {
        create("Keyboard", 2, "seed");
        create("Monitor", 1, "seed");
    }

    List<Order> all() {
        return new ArrayList<>(orders.values());
    }

    /** The new order, or {@code null} when the store is full. */
    Order create(String item, int quantity, String createdBy) {
        if (orders.size() >= MAX_ORDERS) {
            return null;
        }
        Order order = new Order(ids.incrementAndGet(), item, quantity, createdBy, Instant.now());
        orders.put(order.id(), order);
        return order;
    }

    boolean delete(long id) {
        return orders.remove(id) != null;
    }
}
