package io.swivel.bench.user;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the values of the dubbo-benchmark workload exactly as its server does: the same
 * strings, dates and permission list, a fresh object per call.
 */
public final class UserSamples {

    /** Users in one page of {@link UserService#listUser}. */
    public static final int PAGE_SIZE = 15;

    private UserSamples() {
    }

    /**
     * The user dubbo-benchmark's {@code getUser} returns.
     *
     * @param id the id
     * @return a new user
     */
    public static User user(long id) {
        User user = new User();
        user.setId(id);
        user.setName(new String("Doug Lea"));
        user.setSex(1);
        user.setBirthday(LocalDate.of(1968, 12, 8));
        user.setEmail(new String("dong.lea@gmail.com"));
        user.setMobile(new String("18612345678"));
        user.setAddress(new String("北京市 中关村 中关村大街1号 鼎好大厦 1605"));
        user.setIcon(new String("https://www.baidu.com/img/bd_logo1.png"));
        user.setStatus(1);
        user.setCreateTime(LocalDateTime.now());
        user.setUpdateTime(user.getCreateTime());
        user.setPermissions(new ArrayList<>(Arrays.asList(1, 2, 3, 4, 5, 6, 7, 8, 19, 88, 86, 89, 90, 91, 92)));
        return user;
    }

    /**
     * The page dubbo-benchmark's {@code listUser} returns: fifteen users, total 1000.
     *
     * @param pageNo the page number
     * @return a new page
     */
    public static Page<User> page(int pageNo) {
        List<User> users = new ArrayList<>(PAGE_SIZE);
        for (int i = 0; i < PAGE_SIZE; i++) {
            users.add(user(i));
        }
        Page<User> page = new Page<>();
        page.setPageNo(pageNo);
        page.setTotal(1000);
        page.setResult(users);
        return page;
    }

    /**
     * A body of a given length for {@link UserService#getBody}: the id in its first eight bytes
     * (big-endian), then bytes that follow from the id, so no two ids answer the same bytes.
     *
     * @param id the id
     * @param bytes the length, 8 or more
     * @return a new array
     */
    public static byte[] body(long id, int bytes) {
        if (bytes < 8) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 8)");
        }
        byte[] body = new byte[bytes];
        for (int i = 0; i < 8; i++) {
            body[i] = (byte) (id >>> (56 - 8 * i));
        }
        for (int i = 8; i < bytes; i++) {
            body[i] = (byte) (id + i);
        }
        return body;
    }

    /**
     * dubbo-benchmark's {@code existUser} rule.
     *
     * @param email the address
     * @return the answer
     */
    public static boolean exists(String email) {
        if (email == null || email.isEmpty()) {
            return true;
        }
        return email.charAt(email.length() - 1) >= '5';
    }
}
