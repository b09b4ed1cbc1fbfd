package io.swivel.bench.peer.grpc;

import io.swivel.bench.grpc.proto.User;
import io.swivel.bench.grpc.proto.UserPage;
import io.swivel.bench.user.UserSamples;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The workload's values as protobuf messages, with the same content as {@link UserSamples}:
 * gRPC's server and client work on generated messages directly, with no mapping to the bean.
 */
public final class GrpcMessages {

    private static final long BIRTHDAY = LocalDate.of(1968, 12, 8).toEpochDay();
    private static final List<Integer> PERMISSIONS = List.of(1, 2, 3, 4, 5, 6, 7, 8, 19, 88, 86, 89, 90, 91, 92);

    private GrpcMessages() {
    }

    /**
     * The user of {@link UserSamples#user(long)}.
     *
     * @param id the id
     * @return a new message
     */
    public static User user(long id) {
        long now = java.time.LocalDateTime.now().toInstant(ZoneOffset.UTC).toEpochMilli();
        return User.newBuilder()
                .setId(id)
                .setName(new String("Doug Lea"))
                .setSex(1)
                .setBirthdayEpochDay(BIRTHDAY)
                .setEmail(new String("dong.lea@gmail.com"))
                .setMobile(new String("18612345678"))
                .setAddress(new String("北京市 中关村 中关村大街1号 鼎好大厦 1605"))
                .setIcon(new String("https://www.baidu.com/img/bd_logo1.png"))
                .setStatus(1)
                .setCreateTimeMillis(now)
                .setUpdateTimeMillis(now)
                .addAllPermissions(PERMISSIONS)
                .build();
    }

    /**
     * The page of {@link UserSamples#page(int)}.
     *
     * @param pageNo the page number
     * @return a new message
     */
    public static UserPage page(int pageNo) {
        UserPage.Builder page = UserPage.newBuilder().setPageNo(pageNo).setTotal(1000);
        for (int i = 0; i < UserSamples.PAGE_SIZE; i++) {
            page.addResult(user(i));
        }
        return page.build();
    }
}
